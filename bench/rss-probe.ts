/**
 * Preloaded (`node --import`) into the processes a benchmark measures: at exit, writes the peak
 * resident set size (KiB) to the file BENCH_RSS_FILE names.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file !== undefined) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
