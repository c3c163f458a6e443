/** Ingestion: the public surface the CLI (and the programmatic API) uses. */
export type { IngestConfig, IngestConfigLocation, IngestFormat, Jitter, RetryPolicy } from './ingest-config.js';
export { parseIngestConfig, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from './ingest-config.js';
export { parseDuration, formatDuration } from './duration.js';
export type { Backoff } from './backoff.js';
export { firstBackoff } from './backoff.js';
export { decideRetry, parseRetryAfter } from './retry-decision.js';
export type { FetchLike, FetchReply, FetchWithRetryOptions } from './fetch-with-retry.js';
export { fetchWithRetry } from './fetch-with-retry.js';
export type { Now, Sleep } from './clock.js';
export { realSleep, systemNow } from './clock.js';
export type { IngestDeps, IngestResult, IngestSource } from './ingest-source.js';
export { ingestSource } from './ingest-source.js';
export { ingestAll } from './ingest-all.js';
export type { AdapterProvider, WatchOptions, WatchSummary } from './watch.js';
export { watch } from './watch.js';
export { installShutdownHandlers } from './shutdown-signals.js';
export type { Fetcher, FetcherContext } from './fetcher-module.js';
export type { IngestObserver } from './ingest-observer.js';
export { landingTableDdl, rejectedTableDdl, rejectedTableName } from './landing-plan.js';
export { ensureLandingTables } from './landing.js';
export { redactUrl } from './redact-url.js';
// Metrics (prom-client) are imported on demand from './metrics.js', not re-exported here.
