/**
 * What ingestion reports as it goes, for metrics. Kept apart from the prom-client code so the
 * ingest path loads no metrics library unless `--metrics-port` asks for one.
 */
export interface IngestObserver {
  request(source: string): void;
  retry(source: string): void;
  failure(source: string): void;
  landed(source: string, rows: number): void;
  duplicates(source: string, rows: number): void;
  rejected(source: string, replies: number): void;
  success(source: string, atMs: number): void;
}

export const noObserver: IngestObserver = {
  request: () => undefined,
  retry: () => undefined,
  failure: () => undefined,
  landed: () => undefined,
  duplicates: () => undefined,
  rejected: () => undefined,
  success: () => undefined,
};
