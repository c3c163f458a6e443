/**
 * tsdbt's programmatic API. The tasks (`run`, `build`, `seed`, `test`, `compile`, `show`, `ls`,
 * `ingest`, `docsGenerate`, `debug`, `runOperation`…) do exactly what the CLI commands of the same
 * name do, hooks, ingestion and target/ artifacts included; give them `createInvocation({ logger })`.
 * The rest are building blocks for tools (parse a project, render a model, plan its SQL).
 */
export * from './tasks/index.js';
export { loadProject, type LoadProjectOptions, type Project } from './compile/load-project.js';
export { compileModels, renderModel } from './compile/render-model.js';
export { compiledSqlOf, forRun, type RunState } from './compile/run-state.js';
export type { ModelNode, SourceNode, ProjectNode } from './compile/nodes.js';
export { connect } from './adapter/connect.js';
export type { Adapter, Capabilities } from './core/adapter-types.js';
export type { NodeResult, RunSummary } from './runner/results.js';
export { planModel } from './materialize/plan-model.js';
export type { Plan, Statement } from './materialize/plan.js';
export { selectNodes } from './graph/select/select-nodes.js';
export { buildManifest } from './artifacts/manifest.js';
export { TsdbtError, ErrorCodes, type ErrorCode } from './core/errors.js';
export type { Target, ChdbTarget, ClickhouseTarget } from './config/target.js';
export { ingestAll, ingestSource } from './ingest/index.js';
export { TSDBT_VERSION } from './version.js';
