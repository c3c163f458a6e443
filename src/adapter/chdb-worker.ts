import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * chDB's connections, opened and called in a worker thread: the main thread sends each
 * statement and gets its output (or its error) back. `tsdbt check` runs its scratch session here.
 *
 * On the main thread, chDB's `queryAsync` holds the caller while another statement of the
 * process runs (1.5–1.9 ms a call measured, against 0.1–0.2 ms when the engine is idle), and the
 * addon and its session take about a second of that thread to load and open: so the main
 * thread's own work (rendering, reading query trees, lineage, artifacts) could not overlap the
 * engine's. Here the worker's thread starts the statements (and takes that wait), and loads chDB
 * as soon as it starts (while the main thread still loads the project).
 *
 * Each connection is a `Connection` of @clickhouse/client, as chdb/connection's own is, so the
 * client, ChdbPool and ClickhouseAdapter above it are the ones the main thread uses, and errors
 * come out as chdb/connection throws them (a ClickHouseError parsed from chDB's message), then
 * translated as any. The worker's source is inline (no file to find next to this one); it loads
 * chdb from the path resolved here.
 */
export class ChdbWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: Reply) => void; reject: (error: Error) => void }>();
  private nextCall = 0;
  private nextConnection = 1;
  /** Connection 0, opened when the worker started, not yet handed out. */
  private firstFree = true;
  private exited: Error | undefined;
  private terminated: Promise<void> | undefined;

  private constructor(private readonly path: string) {
    const chdbModule = createRequire(import.meta.url).resolve('chdb');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { chdbModule } });
    this.worker.on('message', (message: Reply | 'loaded') => {
      // The addon is in the process now: loading it in this thread too costs little (see pinAddon).
      if (message === 'loaded') return pinAddon();
      const call = this.pending.get(message.id);
      if (call === undefined) return;
      this.pending.delete(message.id);
      call.resolve(message);
    });
    const fail = (error: Error) => {
      this.exited ??= error;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(error));
    this.worker.on('exit', (code) => fail(new Error(`chDB's worker thread stopped (exit code ${code})`)));
    this.worker.postMessage({ op: 'open', conn: 0, path });
  }

  /** Starts the worker, which loads chDB and opens a first connection on `path` at once. Synchronous. */
  static start(path: string): ChdbWorker {
    return new ChdbWorker(path);
  }

  /** A connection to the worker's database (the first one is already opening). */
  connection(): WorkerConnection {
    if (this.exited !== undefined) throw this.exited;
    let conn = 0;
    if (this.firstFree) this.firstFree = false;
    else {
      conn = this.nextConnection++;
      this.worker.postMessage({ op: 'open', conn, path: this.path });
    }
    return new WorkerConnection(this, conn);
  }

  /** Stops the worker (its connections should be closed first: a session closed by exit is not flushed). */
  terminate(): Promise<void> {
    if (this.terminated === undefined) {
      pinAddon();
      this.exited ??= new Error("chDB's worker thread stopped (terminated)");
      this.terminated = this.worker.terminate().then(() => undefined);
    }
    return this.terminated;
  }

  /** @internal */
  async call(conn: number, op: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Reply> {
    if (this.exited !== undefined) throw this.exited;
    signal?.throwIfAborted();
    const id = this.nextCall++;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (signal !== undefined) {
        // As chDB's own abort: the caller stops waiting; the statement still runs to its end in the worker.
        signal.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
      }
    });
    this.worker.postMessage({ op, conn, id, params });
    const answer = await reply;
    if (answer.error !== undefined) throw await rebuildError(answer.error);
    return answer;
  }
}

let pinned = false;

/**
 * Loads chDB's native addon in this thread too (once). A worker thread that loaded the addon
 * crashes the process (SIGSEGV) when it exits, however it exits (terminate, process.exit in the
 * worker, its event loop running dry, the process exiting under it), unless the addon is also
 * loaded in the main thread: chdb 3.4 on Linux, checked in test/adapter/chdb-worker.test.ts.
 * Once the worker has loaded it, this costs tens of milliseconds (the library is mapped already).
 */
function pinAddon(): void {
  if (pinned) return;
  pinned = true;
  try {
    const chdbMain = createRequire(import.meta.url).resolve('chdb');
    (createRequire(chdbMain)('./dist/loader.js') as { loadNative: () => unknown }).loadNative();
  } catch {
    // No addon to load (chDB is not installed): the worker could not have loaded it either.
  }
}

/** What the worker sends back for one call: the statement's output as text, or its error. */
interface Reply {
  id: number;
  text?: string;
  error?: { message: string; code?: unknown; name?: string };
}

/** One connection of the worker, as @clickhouse/client's `Connection` (what `createClient({ connection })` takes). */
export class WorkerConnection {
  constructor(
    private readonly owner: ChdbWorker,
    private readonly conn: number,
  ) {}

  async query(params: ConnParams): Promise<unknown> {
    const reply = await this.owner.call(this.conn, 'query', cloneable(params), params.abort_signal);
    return { ...base(params), stream: readableOf(reply.text) };
  }

  async exec(params: ConnParams & { values?: unknown }): Promise<unknown> {
    const reply = await this.owner.call(this.conn, 'exec', { ...cloneable(params), values: await textOf(params.values) }, params.abort_signal);
    return { ...base(params), stream: readableOf(reply.text) };
  }

  async command(params: ConnParams): Promise<unknown> {
    await this.owner.call(this.conn, 'command', cloneable(params), params.abort_signal);
    return base(params);
  }

  async insert(params: ConnParams & { values: unknown }): Promise<unknown> {
    const values = await textOf(params.values);
    // As chdb/connection: an empty body inserts nothing (chDB would say "No data to insert").
    if (values === undefined || values.trim() === '') return base(params);
    await this.owner.call(this.conn, 'insert', { ...cloneable(params), values }, params.abort_signal);
    return base(params);
  }

  async ping(): Promise<{ success: true } | { success: false; error: Error }> {
    try {
      await this.owner.call(this.conn, 'query', { query: 'SELECT 1' });
      return { success: true };
    } catch (error) {
      return { success: false, error: error as Error };
    }
  }

  async close(): Promise<void> {
    await this.owner.call(this.conn, 'close', {});
  }
}

interface ConnParams {
  query: string;
  query_id?: string;
  query_params?: Record<string, unknown>;
  clickhouse_settings?: Record<string, unknown>;
  abort_signal?: AbortSignal;
}

/** What every answer carries (chDB has no HTTP status or headers; the id is the caller's, or a new one). */
function base(params: ConnParams) {
  return { query_id: params.query_id ?? randomUUID(), response_headers: {}, http_status_code: 200 };
}

/** The parameters the worker reads, without what cannot cross to another thread (the signal). */
function cloneable(params: ConnParams): Record<string, unknown> {
  const { query, query_params, clickhouse_settings } = params;
  return { query, query_params, clickhouse_settings };
}

/** An insert's body as text, as chdb/connection concatenates it to the statement. */
async function textOf(values: unknown): Promise<string | undefined> {
  if (values === undefined || typeof values === 'string') return values;
  let text = '';
  for await (const chunk of values as AsyncIterable<unknown>) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text;
}

/** The result as the stream @clickhouse/client's ResultSet reads; an unread stream's close is harmless (as in chdb/connection). */
function readableOf(text: string | undefined): Readable {
  const buffer = Buffer.from(text ?? '', 'utf8');
  let sent = false;
  const stream = new Readable({
    read() {
      if (!sent && buffer.length > 0) this.push(buffer);
      sent = true;
      this.push(null);
    },
  });
  stream.on('error', () => undefined);
  return stream;
}

/** The worker's error as chdb/connection would have thrown it: a ClickHouseError when the message is ClickHouse's, else an Error with its code. */
async function rebuildError(error: NonNullable<Reply['error']>): Promise<Error> {
  const { parseError } = await import('@clickhouse/client');
  const parsed = parseError(error.message);
  if (parsed instanceof Error && parsed.constructor !== Error) return parsed;
  const rebuilt = new Error(error.message) as Error & { code?: unknown };
  if (error.name !== undefined) rebuilt.name = error.name;
  if (error.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

/**
 * The worker: one chDB `Session` per connection id. Each statement goes to chDB's `queryAsync`,
 * which runs it on a thread of libuv's pool, so statements of several connections run at the same
 * time as they did on the main thread (`--threads`); the wait chDB's call imposes while another
 * statement runs falls on this thread. As chdb/connection does: the settings are `SET` before the
 * statement, an insert's body follows it, query parameters are bound by chDB; the result is sent
 * back as text (tsdbt reads no binary format through here).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Session } = require(workerData.chdbModule);
parentPort.postMessage('loaded');
const sessions = new Map();
const openFailures = new Map();
const HTTP_ONLY = new Set(['wait_end_of_query', 'send_progress_in_http_headers', 'http_response_buffer_size', 'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms', 'enable_http_compression', 'http_zlib_compression_level', 'http_response_compression_method',
  'http_native_compression_disable_checksumming_on_decompress']);
function withSettings(sql, settings) {
  const sets = [];
  for (const [name, value] of Object.entries(settings || {})) {
    if (value === undefined || HTTP_ONLY.has(name) || name === 'default_format') continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error('Invalid setting name: ' + JSON.stringify(name));
    if (typeof value === 'number') sets.push('SET ' + name + ' = ' + value);
    else if (typeof value === 'boolean') sets.push('SET ' + name + ' = ' + (value ? 1 : 0));
    else sets.push('SET ' + name + " = '" + String(value).replace(/'/g, "''") + "'");
  }
  return sets.length === 0 ? sql : sets.join('; ') + '; ' + sql;
}
function run(m) {
  const session = sessions.get(m.conn);
  if (m.op === 'close') {
    sessions.delete(m.conn);
    openFailures.delete(m.conn);
    if (session !== undefined) session.close();
    return {};
  }
  if (session === undefined) throw openFailures.get(m.conn) || new Error('chDB connection ' + m.conn + ' is closed');
  // close() waits for the statements still running on the session before it lets the connection go.
  const p = m.params;
  let sql = withSettings(m.op === 'insert' || (m.op === 'exec' && p.values !== undefined) ? p.query + '\\n' + p.values : p.query, p.clickhouse_settings);
  const format = (p.clickhouse_settings && p.clickhouse_settings.default_format) || 'CSV';
  const bound = p.query_params !== undefined && Object.keys(p.query_params).length > 0;
  const pending = bound ? session.queryBindAsync(sql, p.query_params, { format }) : session.queryAsync(sql, { format });
  return pending.then((result) => ({ text: result.text() }));
}
parentPort.on('message', (m) => {
  if (m.op === 'open') {
    try { sessions.set(m.conn, new Session(m.path)); } catch (error) { openFailures.set(m.conn, error); }
    return;
  }
  const fail = (error) => {
    const e = error || {};
    parentPort.postMessage({ id: m.id, error: { message: String(e.message !== undefined ? e.message : e), code: e.code, name: e.name } });
  };
  try {
    Promise.resolve(run(m)).then((answer) => parentPort.postMessage({ id: m.id, ...answer }), fail);
  } catch (error) {
    fail(error);
  }
});
`;
