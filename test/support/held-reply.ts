import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that answers every request with `body`, but only once the test releases it.
 * A model that reads it through ClickHouse's url() keeps its run going, and the database locked,
 * exactly as long as a test needs: no fixed sleep that is too long on a quiet machine and too short
 * on a loaded one, where the processes raced against it are slow to start.
 */
export interface HeldReply {
  /** What the model reads. */
  url: string;
  /** Answers the waiting requests, and any later one at once. */
  release(): void;
  /** Holds later requests again. */
  hold(): void;
  /** Drops the waiting requests and stops the server. */
  close(): Promise<void>;
}

export async function startHeldReply(body: string): Promise<HeldReply> {
  let released = false;
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((_request, response) => {
    if (released) response.end(body);
    else waiting.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rows.csv`,
    release() {
      released = true;
      for (const response of waiting.splice(0)) response.end(body);
    },
    hold() {
      released = false;
    },
    close() {
      for (const response of waiting.splice(0)) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
