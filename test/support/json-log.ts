/** Reading what `tsdbt … --log-format json --log-level debug` wrote on stderr. */

export interface JsonLogEvent {
  level: string;
  event: string;
  msg: string;
  [key: string]: unknown;
}

/** Every JSON line of `stderr`, parsed (a line cut short by a SIGKILL is left out). */
export function jsonEvents(stderr: string): JsonLogEvent[] {
  const events: JsonLogEvent[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as JsonLogEvent);
    } catch {
      // The last line of a killed process may be half written.
    }
  }
  return events;
}

export interface SentStatement {
  sql: string;
  /** Whether its `sql_finished` event says it succeeded (undefined: it never finished). */
  ok: boolean | undefined;
}

/**
 * The statements a run sent, in order, each with how it ended. Pairs each `sql` event with the
 * next `sql_finished`, which is exact when statements run one at a time (`--threads 1`).
 */
export function sentStatements(events: readonly JsonLogEvent[]): SentStatement[] {
  const sent: SentStatement[] = [];
  let open: SentStatement | undefined;
  for (const event of events) {
    if (event.event === 'sql') {
      open = { sql: String(event['sql']), ok: undefined };
      sent.push(open);
    } else if (event.event === 'sql_finished' && open !== undefined) {
      open.ok = event['ok'] === true;
      open = undefined;
    }
  }
  return sent;
}
