import type { MessagePort } from 'node:worker_threads';
import type { PortableEventIndex } from '../config/yaml-event-index.js';

/** What the YAML thread is given (yaml-thread-worker.ts). */
export interface YamlThreadData {
  projectDir: string;
  /** Property files, relative to projectDir, in the order the main thread takes them. */
  files: string[];
  /** Where the thread posts one message per file, in the order of `files`. */
  port: MessagePort;
  /** Slot 0 counts the messages posted: the main thread sleeps on it (Atomics.wait) until the next one. */
  posted: Int32Array;
}

/**
 * One file, as far as the thread got: nothing when it could not read the file, the text alone
 * when js-yaml's event parser refused it, else the value and its event index too.
 */
export interface YamlThreadMessage {
  text?: string;
  value?: unknown;
  index?: PortableEventIndex;
}
