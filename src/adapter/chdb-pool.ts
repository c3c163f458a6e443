import type { ClickHouseClient } from '@clickhouse/client';

/** At most this many connections; the pool opens only as many as statements run at once. */
const MAX_CONNECTIONS = 64;

/**
 * Several connections to one embedded database, used as one client.
 *
 * chDB runs the statements of one connection one after another, so `--threads 8` on a single
 * connection built one model at a time. Connections opened on the same path in the same process
 * share the engine (and its lock) and do run at the same time: the pool lends each call an idle
 * connection, and opens one more (cheap, and no extra memory) when none is idle. So it holds
 * as many connections as statements ever ran at once (the runner's threads), not one per core:
 * a statement queued on a busy connection would wait for whatever runs there, however long (a
 * model's quick EXCHANGE behind another model's minute-long INSERT). Past MAX_CONNECTIONS (a guard, far
 * above any thread count in use) calls queue on the least busy connection. Nothing tsdbt sends
 * depends on which connection runs it: settings go with each statement and no temporary tables
 * are used.
 */
export class ChdbPool {
  private readonly members: { client: ClickHouseClient; busy: number }[] = [];

  constructor(
    first: ClickHouseClient,
    private readonly open: () => ClickHouseClient,
  ) {
    this.members.push({ client: first, busy: 0 });
  }

  /** How many connections are open now. */
  get connections(): number {
    return this.members.length;
  }

  /** A client whose calls go through the pool (what ClickhouseAdapter holds). */
  asClient(): ClickHouseClient {
    const client = {
      command: (params: Parameters<ClickHouseClient['command']>[0]) => this.lend((member) => member.command(params)),
      query: (params: Parameters<ClickHouseClient['query']>[0]) => this.lend((member) => member.query(params)),
      insert: (params: Parameters<ClickHouseClient['insert']>[0]) => this.lend((member) => member.insert(params)),
      exec: (params: Parameters<ClickHouseClient['exec']>[0]) => this.lend((member) => member.exec(params)),
      ping: () => this.lend((member) => member.ping()),
      close: () => this.close(),
    };
    return client as unknown as ClickHouseClient;
  }

  async close(): Promise<void> {
    const members = this.members.splice(0);
    const results = await Promise.allSettled(members.map((member) => member.client.close()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async lend<T>(call: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    const member = this.pick();
    member.busy += 1;
    try {
      // chDB buffers whole results, so a query's rows are read (result.json()) without its connection.
      return await call(member.client);
    } finally {
      member.busy -= 1;
    }
  }

  private pick(): { client: ClickHouseClient; busy: number } {
    let least = this.members[0]!;
    for (const member of this.members) {
      if (member.busy === 0) return member;
      if (member.busy < least.busy) least = member;
    }
    if (this.members.length < MAX_CONNECTIONS) {
      try {
        const member = { client: this.open(), busy: 0 };
        this.members.push(member);
        return member;
      } catch {
        // One more connection could not be opened: the call waits its turn on an open one.
      }
    }
    return least;
  }
}
