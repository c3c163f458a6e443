import type http from 'node:http';

export interface JsonArrayReply {
  /** The text before the first element (e.g. `{"data": [`). */
  head: string;
  count: number;
  element(index: number): string;
  /** Between two elements. */
  separator: string;
  /** After the last element (e.g. `]}`). */
  tail: string;
  /** Ends the reply after this many characters: a truncated reply. */
  cutAt?: number;
}

const CHUNK_CHARS = 1024 * 1024;

/** Sends a large JSON reply in writes of about 1 MB, waiting for the socket to drain, never holding it whole. */
export function streamJsonArray(res: http.ServerResponse, reply: JsonArrayReply): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let i = 0;
  let sent = 0;
  const pump = (): void => {
    for (;;) {
      let chunk = i === 0 ? reply.head : '';
      while (chunk.length < CHUNK_CHARS && i < reply.count) {
        chunk += `${reply.element(i)}${i === reply.count - 1 ? reply.tail : reply.separator}`;
        i += 1;
      }
      sent += chunk.length;
      if (reply.cutAt !== undefined && sent > reply.cutAt) {
        res.end(chunk.slice(0, chunk.length - (sent - reply.cutAt)));
        return;
      }
      if (i >= reply.count) {
        res.end(chunk);
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
