import type { MessagePort } from 'node:worker_threads';
import type { PortableEventIndex } from '../config/yaml-event-index.js';

/** The slots of YamlThreadData's `signals`. */
export const POSTED = 0;
export const STARTED = 1;

/** What the YAML thread is given (yaml-thread-worker.ts). */
export interface YamlThreadData {
  projectDir: string;
  /** Property files, relative to projectDir, in the order the main thread takes them. */
  files: string[];
  /** Where the thread posts one message per file, in the order of `files`. */
  port: MessagePort;
  /** Slot POSTED counts the messages posted (the main thread sleeps on it until the next one); slot STARTED is 1 once the thread runs. */
  signals: Int32Array;
  /** A V8 flag setting the thread makes first (core/young-generation.ts' withFullYoungGeneration). */
  resetFlag?: string;
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
