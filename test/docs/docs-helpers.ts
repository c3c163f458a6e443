/** Helpers for the docs tests: read the generated data files, run `tsdbt docs serve` in the background. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { GRAPH_CALLBACK, type SiteGraph, type SiteNodeDetails } from '../../src/docs/site-types.js';
import { REPO_ROOT } from '../support/cli.js';

/** The graph file's data: `tsdbtDocsGraph({...});` */
export function readGraphFile(dir: string): SiteGraph {
  const text = readFileSync(path.join(dir, 'target', 'docs', 'data', 'graph.js'), 'utf8');
  expect(text.startsWith(`${GRAPH_CALLBACK}(`)).toBe(true);
  return JSON.parse(text.slice(GRAPH_CALLBACK.length + 1, text.lastIndexOf(')'))) as SiteGraph;
}

export function readChunk(dir: string, n: number): SiteNodeDetails[] {
  const text = readFileSync(path.join(dir, 'target', 'docs', 'data', `nodes-${String(n).padStart(4, '0')}.js`), 'utf8');
  return JSON.parse(text.slice(text.indexOf(',') + 1, text.lastIndexOf(')'))) as SiteNodeDetails[];
}

/** Starts `tsdbt docs serve --port 0` and resolves with its URL once it listens. */
export function startServe(dir: string, home: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'docs', 'serve', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, HOME: home, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`docs serve did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          child,
          stop: () =>
            new Promise((done) => {
              child.once('close', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`docs serve exited with ${code}:\n${stderr}`));
    });
  });
}
