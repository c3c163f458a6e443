/**
 * Real signals to a real child process. The child loads shutdown-signals.ts transpiled to
 * plain JS (the module imports nothing of tsdbt for exactly this reason) and plays a watch
 * loop: when aborted it finishes a "slow insert" and exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../src/ingest/shutdown-signals.ts', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-signals-'));
  const js = ts.transpileModule(readFileSync(MODULE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(path.join(dir, 'shutdown-signals.mjs'), js);
  writeFileSync(
    path.join(dir, 'child.mjs'),
    `import { installShutdownHandlers } from './shutdown-signals.mjs';
     const insertMs = Number(process.argv[2]);
     const controller = new AbortController();
     installShutdownHandlers(controller, { onFirstSignal: (s) => console.log('first ' + s) });
     const keepAlive = setInterval(() => {}, 1000);
     console.log('ready');
     await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
     console.log('finishing insert');
     await new Promise((resolve) => setTimeout(resolve, insertMs));
     console.log('insert done');
     clearInterval(keepAlive);
    `,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(insertMs: number) {
  const proc = spawn(process.execPath, [path.join(dir, 'child.mjs'), String(insertMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.text === line)) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const waitFor = (text: string) => (lines.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve })));
  return { proc, lines, exited, waitFor };
}

describe('installShutdownHandlers', () => {
  it('first SIGTERM: the work in flight finishes and the process exits 0', async () => {
    const c = child(200);
    await c.waitFor('ready');
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.lines).toEqual(['ready', 'first SIGTERM', 'finishing insert', 'insert done']);
  });

  it('a second signal exits at once, with 128 + the signal number', async () => {
    const c = child(30_000);
    await c.waitFor('ready');
    c.proc.kill('SIGINT');
    await c.waitFor('finishing insert');
    const sent = Date.now();
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(143);
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(c.lines).not.toContain('insert done');
  });
});
