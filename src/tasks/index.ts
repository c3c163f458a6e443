/**
 * The tasks: one function per command, `(invocation, options) => Promise<result>`. The CLI
 * (src/cli) and the programmatic API (src/index.ts) call these same functions, so a program
 * calling `build` gets what `tsdbt build` does: hooks, ingestion of before_run sources,
 * target/ artifacts. How to add a command: see the comment at the top of invocation.ts.
 */
export { createInvocation, logTo, type Invocation, type InvocationEvents, type TaskLog, type TaskResult, type TaskStatus } from './invocation.js';
export type { DeferOptions, ExecutionOptions, ProjectOptions, SelectOptions } from './options.js';
export { build, run, runSelectedNodes, seed, test, type NodesCommand, type RunNodesOptions, type RunNodesResult } from './run-nodes.js';
export { snapshot } from './snapshot.js';
export { compile, type CompileOptions, type CompileResult } from './compile.js';
export { check, type CheckOptions, type CheckResult, type ModelCheck } from './check.js';
export { lineage, type LineageOptions, type LineageResult } from './lineage.js';
export { retry, type RetryOptions, type RetryResult } from './retry.js';
export { show, type ShowOptions, type ShowResult } from './show.js';
export { runOperation, type RunOperationOptions, type RunOperationResult } from './run-operation.js';
export { ls, type LsEntry, type LsOptions, type LsResult } from './ls.js';
export { debug, type DebugResult } from './debug.js';
export { docsGenerate, docsServe, type DocsGenerateOptions, type DocsGenerateResult, type DocsServeOptions, type DocsServeResult } from './docs.js';
export { clean, type CleanOptions, type CleanResult } from './clean.js';
export { init, type InitOptions, type InitResult } from './init.js';
export { sourceFreshness, type SourceFreshnessOptions, type SourceFreshnessResult } from './source-freshness.js';
export { ingest, type IngestOptions, type IngestTaskResult } from './ingest.js';
