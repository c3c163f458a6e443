import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { IndexedYaml } from '../config/yaml-document.js';
import { indexFromPortable } from '../config/yaml-event-index.js';
import { MAX_PROJECT_FILE_BYTES } from '../core/regular-file.js';
import { withFullYoungGeneration } from '../core/young-generation.js';
import { POSTED, STARTED, type YamlThreadData, type YamlThreadMessage } from './yaml-thread-protocol.js';

/**
 * Below this many bytes of property files, they are read and parsed on the main thread as before.
 * The thread pays off only when its parse outlasts what it costs to start (Node's start-up for a
 * thread, then js-yaml compiled and warmed up there again) and the main thread has other work
 * meanwhile (reading the models): at the bench's 1,000 models (434 KB of YAML) and 2,000 (868 KB)
 * it saved nothing measurable on a loaded machine; at 10,000 (4.3 MB) it saves most of the YAML
 * phase. Figures in bench/notes.md.
 */
export const YAML_THREAD_FROM_BYTES = 1024 * 1024;

/**
 * How long the main thread waits for the thread's next file before it reads and parses the rest
 * itself: a base, plus a time per byte of that file. The thread cannot say it died mid-parse (out
 * of memory, say: its 'error' and 'exit' events need the event loop, which the synchronous parse
 * does not run, and no JavaScript of its own runs as it dies), so this bounds the wait. Giving up
 * too early costs only time, never a different result (the main thread parses the file itself),
 * so the per-byte time is many times what js-yaml takes even on a thread given a small share of a
 * loaded machine's cores. While the main thread waits, the thread has the main thread's share too.
 */
export const GIVE_UP_BASE_MS = 2_000;
const GIVE_UP_MS_PER_BYTE = 1 / 256;

/** How long the main thread waits for a file of `bytes` bytes (see GIVE_UP_BASE_MS). */
export function giveUpMs(bytes: number, baseMs = GIVE_UP_BASE_MS): number {
  return baseMs + bytes * GIVE_UP_MS_PER_BYTE;
}

/**
 * How long the main thread waits for the thread to start (its entry file loaded) before it reads
 * and parses every file itself: a thread that cannot start (a damaged install, no memory for
 * another heap) never posts, and the main thread cannot see it fail. Starting takes well under a
 * second even on a loaded machine.
 */
const START_GIVE_UP_MS = 5_000;

/** One property file as the thread found it: its text (undefined: read it here) and its parse (undefined: parse it here). */
export interface ThreadedYamlFile {
  text: string | undefined;
  parsed: IndexedYaml | undefined;
}

/**
 * Property files read and parsed with js-yaml's event parser on a second thread, while the main
 * thread reads the models and defines the macros (loadProject). The thread only reads and parses,
 * in the given order; the main thread takes the files one by one in that order, so what it does
 * with them, and every message it reports, is the same whichever thread got there first.
 */
export class YamlThread {
  private taken = 0;
  private gaveUp = false;
  private closed = false;

  private constructor(
    private readonly files: readonly string[],
    private readonly sizes: readonly number[],
    private readonly giveUpBaseMs: number,
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signals: Int32Array,
    private readonly startedAt: number,
    private readonly startGiveUpMs: number,
    private readonly receive: (port: MessagePort) => { message: unknown } | undefined,
  ) {}

  /**
   * Starts the thread on `files` (relative to `projectDir`), or returns undefined: too few bytes
   * to be worth a thread, a file that is not a regular readable file of the allowed size (the
   * main thread reads them all and reports it as before), or no entry file for the thread (tsdbt
   * run from its TypeScript sources, as under vitest).
   */
  static start(
    projectDir: string,
    files: readonly string[],
    threadFrom = YAML_THREAD_FROM_BYTES,
    entry = workerEntry(),
    startGiveUpMs = START_GIVE_UP_MS,
    giveUpBaseMs = GIVE_UP_BASE_MS,
  ): YamlThread | undefined {
    if (entry === undefined || files.length === 0) return undefined;
    let bytes = 0;
    const sizes: number[] = [];
    for (const file of files) {
      try {
        const stats = statSync(path.join(projectDir, file));
        if (!stats.isFile() || stats.size > MAX_PROJECT_FILE_BYTES) return undefined;
        bytes += stats.size;
        sizes.push(stats.size);
      } catch {
        return undefined;
      }
    }
    if (bytes < threadFrom) return undefined;
    // node:worker_threads is loaded only here, for a large project: a small one would pay for it at every command.
    const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const { port1, port2 } = new threads.MessageChannel();
    const signals = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    // The thread's young generation starts as large as V8 lets it grow: a held one (core/young-generation.ts) would stay small.
    const worker = withFullYoungGeneration((resetFlag) => {
      const data: YamlThreadData = { projectDir, files: [...files], port: port2, signals, ...(resetFlag === undefined ? {} : { resetFlag }) };
      return new threads.Worker(entry, { workerData: data, transferList: [port2] });
    });
    // Never keeps the process alive: a command that fails before taking every file exits anyway.
    worker.unref();
    // A thread that fails (its entry file does not load, it runs out of memory) is already made up
    // for: the main thread gives up waiting and reads and parses the files itself. Unheard, the
    // failure would be thrown again once the event loop runs, as an uncaught exception.
    worker.on('error', () => undefined);
    return new YamlThread(files, sizes, giveUpBaseMs, worker, port1, signals, Date.now(), startGiveUpMs, threads.receiveMessageOnPort);
  }

  /** How many files there are. */
  get count(): number {
    return this.files.length;
  }

  /** The next file, in order, with its path; blocks until the thread has posted it (or has taken too long). */
  next(): ThreadedYamlFile & { path: string } {
    const file = this.files[this.taken];
    if (file === undefined) throw new Error('YamlThread.next: every file was taken');
    this.taken += 1;
    const message = this.gaveUp ? undefined : this.wait(giveUpMs(this.sizes[this.taken - 1]!, this.giveUpBaseMs));
    if (this.taken === this.files.length || this.gaveUp) this.close();
    if (message?.text === undefined) return { path: file, text: undefined, parsed: undefined };
    const parsed = message.index === undefined ? undefined : { value: message.value, index: indexFromPortable(message.index, message.text) };
    return { path: file, text: message.text, parsed };
  }

  private wait(giveUpAfterMs: number): YamlThreadMessage | undefined {
    const waitFrom = Date.now();
    for (;;) {
      const seen = Atomics.load(this.signals, POSTED);
      const received = this.receive(this.port);
      if (received !== undefined) return received.message as YamlThreadMessage;
      const started = Atomics.load(this.signals, STARTED) === 1;
      const deadline = started ? waitFrom + giveUpAfterMs : Math.min(waitFrom + giveUpAfterMs, this.startedAt + this.startGiveUpMs);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.gaveUp = true;
        return undefined;
      }
      // Woken when the thread starts or posts; a message posted between the lines above has changed `seen`.
      Atomics.wait(this.signals, POSTED, seen, left);
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    if (this.gaveUp) void this.worker.terminate();
  }
}

/** The thread's entry file beside this module's (dist/project/, or dist/cli-bundle/ in the CLI bundle), if it is there. */
function workerEntry(): string | undefined {
  const entry = fileURLToPath(new URL('./yaml-thread-worker.js', import.meta.url));
  return existsSync(entry) ? entry : undefined;
}
