/**
 * streamJsonArray (the large replies of the ingest reliability tests): the bytes served are the
 * head, the elements with their separators and the tail, in UTF-8, whatever the writes they come in;
 * `cutAt` ends the reply after exactly that many bytes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonArrayReply, streamJsonArray } from './json-array-stream.js';

/** About 3.3 MB: several writes, and a non-ASCII letter (2 bytes in UTF-8) in every element. */
const REPLY: JsonArrayReply = {
  head: '{"data": [\n',
  count: 3000,
  element: (i) => `{"id": ${i}, "name": "n ü ${i}", "pad": "${'x'.repeat(1000)}"}`,
  separator: ',\n  ',
  tail: '\n]}\n',
};
const whole = () => Buffer.from(`${REPLY.head}${Array.from({ length: REPLY.count }, (_, i) => REPLY.element(i)).join(REPLY.separator)}${REPLY.tail}`, 'utf8');

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => streamJsonArray(res, req.url === '/cut' ? { ...REPLY, cutAt: 2_000_001 } : REPLY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetchBytes = async (path: string) => Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer());

describe('streamJsonArray', () => {
  it('serves the head, every element with its separator and the tail, in UTF-8', async () => {
    const served = await fetchBytes('/whole');
    expect(served.length).toBeGreaterThan(3_000_000);
    expect(served.equals(whole())).toBe(true);
  });

  it('cut at a byte count: exactly that many bytes, the start of the whole reply', async () => {
    const served = await fetchBytes('/cut');
    expect(served.length).toBe(2_000_001);
    expect(served.equals(whole().subarray(0, 2_000_001))).toBe(true);
  });
});
