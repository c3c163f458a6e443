/**
 * Ingests several sources, one after another. Sequential on purpose: the embedded engine
 * serves one session, and each source's own retries already bound how long it can take.
 */
import type { IngestDeps, IngestResult, IngestSource } from './ingest-source.js';
import { ingestSource } from './ingest-source.js';

export async function ingestAll(sources: readonly IngestSource[], deps: IngestDeps): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const source of sources) {
    if (deps.signal?.aborted === true) {
      results.push(skipped(source));
      continue;
    }
    results.push(await ingestSource(source, deps));
  }
  return results;
}

function skipped(source: IngestSource): IngestResult {
  return { source: source.name, status: 'skipped', attemptsMade: 0, rowsLanded: 0, duplicates: 0, rejected: 0, durationMs: 0 };
}
