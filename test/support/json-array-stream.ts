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
  /** Ends the reply after this many bytes: a truncated reply. */
  cutAt?: number;
}

const CHUNK_CHARS = 1024 * 1024;

/**
 * Sends a large JSON reply in writes of about 1 MB, waiting for the socket to drain, never holding it whole.
 * Each element is encoded into the write's buffer as it is made: a 1 MB string of a thousand
 * concatenated elements, handed to `res.write` to flatten and encode, cost the test's process
 * nearly twice the CPU (bench/notes.md, session tests).
 */
export function streamJsonArray(res: http.ServerResponse, reply: JsonArrayReply): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let i = 0;
  let sent = 0;
  const pump = (): void => {
    for (;;) {
      const texts = i === 0 ? [reply.head] : [];
      let chars = i === 0 ? reply.head.length : 0;
      while (chars < CHUNK_CHARS && i < reply.count) {
        const text = `${reply.element(i)}${i === reply.count - 1 ? reply.tail : reply.separator}`;
        texts.push(text);
        chars += text.length;
        i += 1;
      }
      // At most 3 bytes of UTF-8 for each UTF-16 unit.
      const buffer = Buffer.allocUnsafe(chars * 3);
      let used = 0;
      for (const text of texts) used += buffer.write(text, used);
      sent += used;
      if (reply.cutAt !== undefined && sent > reply.cutAt) {
        res.end(buffer.subarray(0, used - (sent - reply.cutAt)));
        return;
      }
      const chunk = buffer.subarray(0, used);
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
