/**
 * The thread of yaml-thread.ts: reads each property file and parses it with js-yaml's event
 * parser (config/yaml-document.ts' readYamlFast), in the order given, and posts what it found as
 * plain data. It decides nothing: a file it cannot read or parse is posted without a value, and
 * the main thread reads and parses that one itself, reporting whatever is wrong exactly as
 * without this thread.
 *
 * Run as the worker's entry file: from dist/project/ as tsc compiled it, or from
 * dist/cli-bundle/ as scripts/build-cli-bundle.mjs bundled it.
 */
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { workerData } from 'node:worker_threads';
import { readYamlFast } from '../config/yaml-document.js';
import { portableIndex } from '../config/yaml-event-index.js';
import { readRegularProjectFile } from '../core/regular-file.js';
import { POSTED, STARTED, type YamlThreadData, type YamlThreadMessage } from './yaml-thread-protocol.js';

const { projectDir, files, port, signals, resetFlag } = workerData as YamlThreadData;
// This thread's isolate is made: the flag it was made with goes back for those made later.
if (resetFlag !== undefined) setFlagsFromString(resetFlag);
// Loaded and running: the main thread stops watching for a thread that never starts.
Atomics.store(signals, STARTED, 1);
Atomics.notify(signals, POSTED);

for (const file of files) {
  let message: YamlThreadMessage = {};
  let transfer: ArrayBuffer[] = [];
  try {
    const text = readRegularProjectFile(path.join(projectDir, file), file);
    message = { text };
    const read = readYamlFast(text, file);
    if (read !== undefined) {
      const portable = portableIndex(read.index);
      message = { text, value: read.value, index: portable.portable };
      transfer = portable.transfer;
    }
  } catch {
    // Posted as found so far: the main thread does the rest and meets the same failure.
  }
  try {
    port.postMessage(message, transfer);
  } catch {
    // A value that cannot be copied (none that js-yaml makes): the text alone, parsed there.
    port.postMessage(message.text === undefined ? {} : { text: message.text });
  }
  Atomics.add(signals, POSTED, 1);
  Atomics.notify(signals, POSTED);
}
port.close();
