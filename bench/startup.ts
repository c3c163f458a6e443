/**
 * CLI start: `tsdbt --version` (and `tsdbt --help`), from spawn to exit, against `node -e 0`
 * (Node's own start, the floor no CLI can go under). The target is absolute: under 150 ms.
 */
import { BIN, check, load1, log, QUICK, runNode, script, stats, type Stats } from './lib.js';

const RUNS = QUICK ? 5 : 30;

export interface StartupResult {
  version: Stats;
  help: Stats;
  node: Stats;
  load: number[];
}

export async function benchStartup(): Promise<StartupResult> {
  const version: number[] = [];
  const help: number[] = [];
  const node: number[] = [];
  const load = [load1()];
  // Warm the file cache once; then interleave, so the three see the same machine.
  await runNode([BIN, '--version']);
  for (let run = 0; run < RUNS; run += 1) {
    version.push(check(await runNode([BIN, '--version']), 'tsdbt --version').wallMs);
    help.push(check(await runNode([BIN, '--help']), 'tsdbt --help').wallMs);
    node.push(check(await runNode(['-e', '0']), 'node -e 0').wallMs);
  }
  load.push(load1());
  const result = { version: stats(version), help: stats(help), node: stats(node), load };
  log(
    `startup: --version median ${result.version.median.toFixed(0)} ms, --help ${result.help.median.toFixed(0)} ms, node -e 0 ${result.node.median.toFixed(0)} ms`,
  );
  return result;
}

if (process.argv[1]?.endsWith('startup.js')) script('startup', benchStartup);
