/**
 * A scripted HTTP API on 127.0.0.1 for ingestion tests. Each path has a queue of replies,
 * served in order; when a queue runs dry the path's fallback (default 404) answers. Every
 * fault the ingester must survive is one reply kind, so a test reads as its script:
 *
 *   api.script('/astros.json', replies.status(500), replies.status(500), replies.ok(ASTROS));
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  | { kind: 'ok'; body: string; status: number; headers: Record<string, string> }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Send the headers and the first bytes of the body, then stall. */
  | { kind: 'stall-body'; body: string }
  /** Drop the connection without a reply (the client sees ECONNRESET / "other side closed"). */
  | { kind: 'reset' };

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const replies = {
  ok: (body: unknown, headers: Record<string, string> = {}): FakeReply => ({
    kind: 'ok',
    body: json(body),
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
  }),
  status: (status: number, body = '', headers: Record<string, string> = {}): FakeReply => ({
    kind: 'ok',
    body,
    status,
    headers: { 'content-type': 'text/plain', ...headers },
  }),
  tooManyRequests: (retryAfter: string): FakeReply => replies.status(429, 'slow down', { 'retry-after': retryAfter }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  stallBody: (body: unknown): FakeReply => ({ kind: 'stall-body', body: json(body) }),
  reset: (): FakeReply => ({ kind: 'reset' }),
  /** A complete HTTP reply whose JSON stops half way. */
  truncated: (body: unknown): FakeReply => {
    const text = json(body);
    return replies.ok(text.slice(0, Math.floor(text.length / 2)));
  },
  malformed: (): FakeReply => replies.ok('{"message": success, "number": }'),
  /** Valid JSON that is not what the source expects. */
  wrongShape: (): FakeReply => replies.ok({ status: 'ok', data: [] }),
};

/** The open-notify astros reply, as the seed pipeline sees it. */
export const ASTROS = {
  message: 'success',
  number: 3,
  people: [
    { name: 'Oleg Kononenko', craft: 'ISS' },
    { name: 'Nikolai Chub', craft: 'ISS' },
    { name: 'Jing Haiping', craft: 'Tiangong' },
  ],
};

export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeApi {
  /** `http://127.0.0.1:<port><path>` */
  url(path?: string): string;
  /** Appends replies to the path's queue. */
  script(path: string, ...queue: FakeReply[]): void;
  /** What the path answers once its queue is empty. */
  fallback(path: string, reply: FakeReply): void;
  /** Requests received, in order. */
  readonly requests: FakeRequest[];
  requestsTo(path: string): number;
  close(): Promise<void>;
}

export async function startFakeApi(): Promise<FakeApi> {
  const queues = new Map<string, FakeReply[]>();
  const fallbacks = new Map<string, FakeReply>();
  const requests: FakeRequest[] = [];

  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
    // Drain the request body so a POST does not keep the socket busy.
    request.resume();
    const reply = queues.get(path)?.shift() ?? fallbacks.get(path) ?? replies.status(404, 'no such path');
    switch (reply.kind) {
      case 'ok':
        response.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
        response.end(reply.body);
        return;
      case 'hang':
        return;
      case 'stall-body':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply.body) });
        response.write(reply.body.slice(0, 5));
        return;
      case 'reset':
        request.socket.destroy();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/data.json') => `http://127.0.0.1:${port}${path}`,
    script: (path, ...queue) => {
      queues.set(path, [...(queues.get(path) ?? []), ...queue]);
    },
    fallback: (path, reply) => {
      fallbacks.set(path, reply);
    },
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging replies keep sockets open; cut them so close() returns at once.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
