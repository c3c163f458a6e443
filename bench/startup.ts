/**
 * CLI start: `tsdbt --version`, `tsdbt --help` and `tsdbt ls` on a copy of the example project
 * (twice: on a copy never compiled, where ls parses the project (its target/ removed before each
 * run, so each is a project's first ls), and on one compiled once, where
 * ls answers from target/manifest.json while the compile record vouches for it),
 * from spawn to exit, against `node -e 0` (Node's own start, the floor no CLI can go under).
 * The target: each under 100 ms above `node -e 0`.
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BIN, check, load1, log, QUICK, REPO, runNode, script, stats, tempDir, type Stats } from './lib.js';

const RUNS = QUICK ? 5 : 30;

export interface StartupResult {
  version: Stats;
  help: Stats;
  /** `tsdbt ls` on the example project, never compiled: ls parses it (absent in results of earlier runs). */
  ls?: Stats;
  /** `tsdbt ls` on the example project after one `tsdbt compile`: answered from the manifest (absent in earlier runs). */
  lsCompiled?: Stats;
  node: Stats;
  load: number[];
}

export async function benchStartup(): Promise<StartupResult> {
  const version: number[] = [];
  const help: number[] = [];
  const ls: number[] = [];
  const lsCompiled: number[] = [];
  const node: number[] = [];
  const load = [load1()];
  const example = tempDir('example');
  for (const entry of ['project.yml', 'models', 'macros', 'samples']) cpSync(path.join(REPO, entry), path.join(example, entry), { recursive: true });
  const compiled = tempDir('example-compiled');
  for (const entry of ['project.yml', 'models', 'macros', 'samples']) cpSync(path.join(REPO, entry), path.join(compiled, entry), { recursive: true });
  // Never compiled means no target/ either: what an earlier ls left there (partial_parse.json,
  // template_cache.json) would spare this one work a project's first ls does. Removed untimed.
  const lsRun = () => {
    rmSync(path.join(example, 'target'), { recursive: true, force: true });
    return runNode([BIN, 'ls'], { cwd: example, env: { HOME: example } });
  };
  const lsCompiledRun = () => runNode([BIN, 'ls'], { cwd: compiled, env: { HOME: compiled } });
  // The compile record trusts no file changed in the last second: let the copy age first.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  check(await runNode([BIN, 'compile'], { cwd: compiled, env: { HOME: compiled } }), 'tsdbt compile');
  // Warm the file cache once; then interleave, so all of them see the same machine.
  await runNode([BIN, '--version']);
  check(await lsRun(), 'tsdbt ls');
  check(await lsCompiledRun(), 'tsdbt ls (compiled)');
  for (let run = 0; run < RUNS; run += 1) {
    version.push(check(await runNode([BIN, '--version']), 'tsdbt --version').wallMs);
    help.push(check(await runNode([BIN, '--help']), 'tsdbt --help').wallMs);
    ls.push(check(await lsRun(), 'tsdbt ls').wallMs);
    lsCompiled.push(check(await lsCompiledRun(), 'tsdbt ls (compiled)').wallMs);
    node.push(check(await runNode(['-e', '0']), 'node -e 0').wallMs);
  }
  load.push(load1());
  const result = { version: stats(version), help: stats(help), ls: stats(ls), lsCompiled: stats(lsCompiled), node: stats(node), load };
  log(
    `startup: --version median ${result.version.median.toFixed(0)} ms, --help ${result.help.median.toFixed(0)} ms, ls ${result.ls.median.toFixed(0)} ms (after a compile ${result.lsCompiled.median.toFixed(0)} ms), node -e 0 ${result.node.median.toFixed(0)} ms`,
  );
  return result;
}

if (process.argv[1]?.endsWith('startup.js')) script('startup', benchStartup);
