/**
 * Durations as people write them in YAML (`10s`, `500ms`, `2m`, `1m30s`), turned into
 * milliseconds. Bare numbers are refused on purpose: `timeout: 10` could mean seconds or
 * milliseconds, and guessing wrong makes a source time out a thousand times too soon.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * The longest duration tsdbt accepts: Node's timers hold at most 2^31-1 ms (about 24.8 days) and
 * fire at once for anything longer, which turned `schedule: 25d` into a busy loop.
 */
export const MAX_DURATION_MS = 2_147_483_647;
export const MAX_DURATION_TEXT = 'about 24.8 days (2,147,483,647 ms)';

/** Milliseconds for `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const input = text.trim();
  if (input === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const match = PART.exec(input);
    if (match === null) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Math.round(total);
}

/** `1500` → `1.5s`, `250` → `250ms`, `90000` → `1.5m`: for log lines and messages. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1_000)}s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)}m`;
  return `${trim(ms / 3_600_000)}h`;
}

function trim(value: number): string {
  return String(Math.round(value * 10) / 10);
}
