import type { GraphNode } from '../graph/node.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { NodeResult, TimingInfo } from './results.js';

export function errorResult(
  node: GraphNode,
  error: unknown,
  info: { timing: TimingInfo[]; compileStart: Date; now: () => Date; slot: number; relationName: string | undefined },
): NodeResult {
  const tsdbtError =
    error instanceof TsdbtError
      ? error
      : new TsdbtError({ code: ErrorCodes.INTERNAL, message: error instanceof Error ? error.message : String(error), cause: error });
  return {
    uniqueId: node.uniqueId,
    status: 'error',
    message: tsdbtError.message,
    timing: info.timing,
    executionTime: seconds(info.compileStart, info.now()),
    threadId: `Thread-${info.slot + 1}`,
    adapterResponse: {},
    relationName: info.relationName,
    failures: undefined,
    errorCode: tsdbtError.code,
  };
}

export function skippedResult(node: GraphNode, message: string, relationName?: string): NodeResult {
  return {
    uniqueId: node.uniqueId,
    status: 'skipped',
    message,
    timing: [],
    executionTime: 0,
    threadId: 'main',
    adapterResponse: {},
    relationName,
    failures: undefined,
  };
}

export function seconds(from: Date, to: Date): number {
  return Math.round(to.getTime() - from.getTime()) / 1000;
}
