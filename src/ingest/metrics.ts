/**
 * Prometheus metrics for ingestion (`--metrics-port`), built on prom-client. The ingest code
 * only sees the IngestObserver interface; this module is imported when metrics are asked for.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback-host.js';
import type { IngestObserver } from './ingest-observer.js';

export interface IngestMetrics {
  registry: Registry;
  observer: IngestObserver;
}

export function createIngestMetrics(registry: Registry = new Registry()): IngestMetrics {
  const labelNames = ['source'] as const;
  const counter = (name: string, help: string): Counter<'source'> => new Counter({ name, help, labelNames, registers: [registry] });
  const requests = counter('tsdbt_ingest_requests_total', 'HTTP requests made to fetch a source (every attempt counts).');
  const retries = counter('tsdbt_ingest_retries_total', 'Attempts that repeated a failed one.');
  const failures = counter('tsdbt_ingest_failures_total', 'Ingestions of a source that ended in an error.');
  const landed = counter('tsdbt_ingest_rows_landed_total', 'Rows written to landing tables.');
  const duplicates = counter('tsdbt_ingest_duplicates_total', 'Payloads skipped because they were already landed.');
  const rejected = counter('tsdbt_ingest_rejected_total', 'Replies rejected as invalid (kept in the quarantine table).');
  const lastSuccess = new Gauge({
    name: 'tsdbt_ingest_last_success_timestamp_seconds',
    help: 'Unix time of the last successful ingestion of a source.',
    labelNames,
    registers: [registry],
  });
  const observer: IngestObserver = {
    request: (source) => requests.inc({ source }),
    retry: (source) => retries.inc({ source }),
    failure: (source) => failures.inc({ source }),
    landed: (source, rows) => landed.inc({ source }, rows),
    duplicates: (source, rows) => duplicates.inc({ source }, rows),
    rejected: (source, replies) => rejected.inc({ source }, replies),
    success: (source, atMs) => lastSuccess.set({ source }, atMs / 1_000),
  };
  return { registry, observer };
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves `registry` at http://127.0.0.1:<port>/metrics (port 0 picks a free one). Loopback only. */
export async function startMetricsServer(port: number, registry: Registry): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (!isLoopbackHost(request.headers.host)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: metrics are served to 127.0.0.1 and localhost only\n');
      return;
    }
    if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found; metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(
        new TsdbtError({
          code: ErrorCodes.USAGE,
          message: `Could not serve metrics on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}.`,
          hint: 'Pick another --metrics-port.',
          cause: error,
        }),
      );
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
