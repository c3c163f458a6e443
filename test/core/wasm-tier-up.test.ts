import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { freshModule } from '../support/fresh-module.js';

type WasmTierUpModule = typeof import('../../src/core/wasm-tier-up.js');

// The module remembers its decision once per process: each test loads a fresh copy.
const fresh = () => freshModule<WasmTierUpModule>('../../src/core/wasm-tier-up.js');

describe('skipWasmTierUp', () => {
  const setFlags = vi.fn<(flags: string) => void>();
  const quiet = { execArgv: [], nodeOptions: '', setFlags };
  beforeEach(() => setFlags.mockClear());

  it('keeps WebAssembly to its baseline code, once per process', async () => {
    const { BASELINE_ONLY_FLAG, skipWasmTierUp } = await fresh();
    skipWasmTierUp(quiet);
    skipWasmTierUp(quiet);
    expect(setFlags.mock.calls).toEqual([[BASELINE_ONLY_FLAG]]);
  });

  it("leaves the user's own WebAssembly compile flag alone, on the command line or in NODE_OPTIONS", async () => {
    for (const given of [
      { execArgv: ['--no-liftoff'] },
      { execArgv: ['--wasm-tier-up'] },
      { execArgv: ['--wasm_dynamic_tiering'] },
      { nodeOptions: '--max-old-space-size=4096 --liftoff-only' },
    ]) {
      const { skipWasmTierUp } = await fresh();
      skipWasmTierUp({ ...quiet, ...given });
    }
    expect(setFlags).not.toHaveBeenCalled();
    const { BASELINE_ONLY_FLAG, skipWasmTierUp } = await fresh();
    skipWasmTierUp({ ...quiet, execArgv: ['--max-old-space-size=4096'], nodeOptions: '--enable-source-maps' });
    expect(setFlags.mock.calls).toEqual([[BASELINE_ONLY_FLAG]]);
  });
});

describe("ingest's fetch", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('{"data": [1]}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // The child runs the built fetchWithRetry, then makes a WebAssembly function hot: without the
  // flag V8 optimizes it (and, after a fetch, fetch's own parser), with it the function stays baseline.
  it('leaves WebAssembly unoptimized in the process, so no optimizing compile runs on at exit', async () => {
    const fetchModule = pathToFileURL(path.join(REPO_ROOT, 'dist', 'ingest', 'fetch-with-retry.js')).href;
    const script = `
      const { fetchWithRetry } = await import(${JSON.stringify(fetchModule)});
      if (process.argv[1] === 'fetch') {
        const reply = await fetchWithRetry({ url: ${JSON.stringify(url)}, timeoutMs: 10000, retries: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 'none' } });
        if (reply.status !== 200) throw new Error('status ' + reply.status);
      }
      const add = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${JSON.stringify(ADD_MODULE)}))).exports.add;
      // Tier-up is decided by a call budget and compiled in the background: call, wait, look again.
      for (let round = 0; round < 100 && !%IsTurboFanFunction(add); round += 1) {
        for (let i = 0; i < 1e5; i += 1) add(i, 1);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      process.stdout.write(String(%IsTurboFanFunction(add)));
    `;
    // Asynchronous: the server answering the child runs in this process.
    const optimized = async (mode: string) =>
      (await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script, mode], { timeout: 60_000 })).stdout;
    expect(await optimized('no-fetch'), 'a hot function is optimized in a process that did not fetch (the check can fail)').toBe('true');
    expect(await optimized('fetch'), 'after a fetch by tsdbt').toBe('false');
  });
});

/** A WebAssembly module exporting `add(i32, i32) -> i32`. */
const ADD_MODULE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
];
