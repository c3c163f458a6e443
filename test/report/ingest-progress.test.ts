import { describe, expect, it } from 'vitest';
import { noObserver, type IngestObserver } from '../../src/ingest/ingest-observer.js';
import { observeProgress } from '../../src/report/ingest-progress.js';
import type { Progress } from '../../src/report/progress.js';

describe('observeProgress', () => {
  it('marks a source running from its first request until it lands or fails, and still tells the metrics', () => {
    const seen: string[] = [];
    const progress: Progress = { started: (name) => seen.push(`start ${name}`), finished: (name) => seen.push(`end ${name}`), end: () => seen.push('end') };
    const metrics: IngestObserver = {
      ...noObserver,
      request: (name) => seen.push(`metric request ${name}`),
      success: (name) => seen.push(`metric success ${name}`),
      failure: (name) => seen.push(`metric failure ${name}`),
    };
    const observer = observeProgress(progress, metrics);
    observer.request('a');
    observer.retry('a');
    observer.request('a');
    observer.success('a', 1);
    observer.request('b');
    observer.failure('b');
    expect(seen).toEqual([
      'start a',
      'metric request a',
      'start a',
      'metric request a',
      'end a',
      'metric success a',
      'start b',
      'metric request b',
      'end b',
      'metric failure b',
    ]);
  });
});
