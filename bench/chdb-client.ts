/** A @clickhouse/client on chDB, as tsdbt's adapter opens one: what the baselines use directly. */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

type ClientOptions = NonNullable<Parameters<typeof createClient>[0]>;

export function openChdb(path: string): ClickHouseClient {
  return createClient({ connection: createChdbConnection({ path }) as unknown as ClientOptions extends { connection?: infer C } ? C : never });
}
