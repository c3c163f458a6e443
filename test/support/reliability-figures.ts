/**
 * Figures the reliability suite proves (kill points survived, faults survived, inputs tried),
 * attached to the test that proved them and collected by test/support/reliability-reporter.ts
 * into RELIABILITY.md at the end of the run.
 *
 *   it('…', async ({ task }) => { …; recordFigure(task, { section: 'crash', … }); });
 */
import type { RunnerTestCase } from 'vitest';

export type ReliabilitySection = 'crash' | 'data' | 'concurrency' | 'ingest' | 'fuzz' | 'security';

export interface ReliabilityFigure {
  section: ReliabilitySection;
  /** What was tried, e.g. `table model rebuilt (EXCHANGE TABLES)`. */
  subject: string;
  /** How many times, e.g. 7. */
  count: number;
  /** Of what, e.g. `kill points`. */
  unit: string;
  /** What held every time. */
  outcome: string;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ReliabilityFigure[];
  }
}

/** Attaches a figure to the running test (seen by the reporter only if the test passes). */
export function recordFigure(task: Pick<RunnerTestCase, 'meta'>, figure: ReliabilityFigure): void {
  (task.meta.reliability ??= []).push(figure);
}

/** Whether the heavier sweeps run (TSDBT_HEAVY_TESTS=1). */
export const HEAVY = process.env['TSDBT_HEAVY_TESTS'] === '1';
