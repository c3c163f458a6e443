import type { IngestObserver } from '../ingest/ingest-observer.js';
import { noObserver } from '../ingest/ingest-observer.js';
import type { Progress } from './progress.js';

/**
 * An ingest observer that also moves a progress line: a source is running from its first
 * request until it lands or fails. Everything still reaches `inner` (the metrics, if any).
 */
export function observeProgress(progress: Progress, inner: IngestObserver = noObserver): IngestObserver {
  return {
    ...inner,
    request: (source) => {
      progress.started(source);
      inner.request(source);
    },
    success: (source, atMs) => {
      progress.finished(source);
      inner.success(source, atMs);
    },
    failure: (source) => {
      progress.finished(source);
      inner.failure(source);
    },
  };
}
