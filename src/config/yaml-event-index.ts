/**
 * A compact index of a YAML document's events (from js-yaml's event parser), and the lookup of
 * where the value at a path starts, for the line numbers of property-file messages
 * (yaml-document.ts). The events themselves are dropped once indexed: they keep several objects
 * per YAML node alive.
 */
import { EVENT_ID, getScalarValue, type parseEvents, SCALAR_STYLE } from 'js-yaml';

export type YamlEvent = ReturnType<typeof parseEvents>[number];

/**
 * The nodes of a document, one entry per event: kind, start offset, and the index just past the
 * node (a collection's POP + 1), so a lookup skips whole values. Keys are decoded when compared
 * (plain one-line keys by slicing the text; others through js-yaml, from the few events kept).
 */
export interface EventIndex {
  text: string;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  next: Int32Array;
  root: number;
  /** Scalars that are not plain one-line text, by index: decoded with getScalarValue. */
  special: SpecialScalars;
}

/** The special scalars' events by index: a Map here, a packed lookup when the index came from another thread. */
export interface SpecialScalars {
  has(at: number): boolean;
  get(at: number): YamlEvent | undefined;
}

export function indexEvents(events: readonly YamlEvent[], text: string): EventIndex {
  const count = events.length;
  const index: EventIndex = {
    text,
    kind: new Uint8Array(count),
    start: new Int32Array(count),
    end: new Int32Array(count),
    next: new Int32Array(count),
    root: -1,
    special: new Map<number, YamlEvent>(),
  };
  const open: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = events[i]!;
    index.kind[i] = event.type;
    index.next[i] = i + 1;
    if (event.type === EVENT_ID.SCALAR) {
      index.start[i] = event.valueStart;
      index.end[i] = event.valueEnd;
      if (event.style !== SCALAR_STYLE.PLAIN || (event.valueStart >= 0 && text.slice(event.valueStart, event.valueEnd).includes('\n')))
        (index.special as Map<number, YamlEvent>).set(i, event);
    } else if (event.type === EVENT_ID.ALIAS) {
      index.start[i] = event.anchorStart;
      index.end[i] = event.anchorEnd;
    } else if (event.type === EVENT_ID.SEQUENCE || event.type === EVENT_ID.MAPPING) {
      index.start[i] = event.start;
      open.push(i);
    } else if (event.type === EVENT_ID.POP) {
      const closed = open.pop();
      if (closed !== undefined) index.next[closed] = i + 1;
    }
    if (index.root === -1 && event.type !== EVENT_ID.DOCUMENT) index.root = i;
  }
  return index;
}

function keyText(index: EventIndex, at: number): string {
  if (index.kind[at] === EVENT_ID.ALIAS) return index.text.slice(index.start[at]!, index.end[at]!);
  const special = index.special.get(at);
  if (special !== undefined) return getScalarValue(index.text, special as Parameters<typeof getScalarValue>[1]);
  return index.start[at]! < 0 ? '' : index.text.slice(index.start[at]!, index.end[at]!);
}

/** Whether the key at `at` is `step`: keyText's answer, without slicing a plain key out of the text. */
function keyIs(index: EventIndex, at: number, step: string): boolean {
  if (index.kind[at] === EVENT_ID.ALIAS || index.special.has(at) || index.start[at]! < 0) return keyText(index, at) === step;
  const start = index.start[at]!;
  return index.end[at]! - start === step.length && index.text.startsWith(step, start);
}

/**
 * The last path looked up and the nodes it went through. Property checks ask for the paths of one
 * file in order (each key of an entry, then the next entry of the list), so a lookup resumes from
 * the steps it shares with the last one: without it, finding entry k of a list of models walked
 * past the k before it for every key, quadratic in the entries of a file.
 */
export interface PathMemo {
  path: (string | number)[];
  /** chain[d] is the node reached after d steps; chain[0] the root. Only the steps found. */
  chain: number[];
  /** keyStarts[d]: the offset of the key of step d (a mapping's), else undefined. */
  keyStarts: (number | undefined)[];
}

export function newPathMemo(index: EventIndex): PathMemo {
  return { path: [], chain: [index.root], keyStarts: [undefined] };
}

/** What `lineOfPath` finds, from the events: the key of the deepest existing entry, or the node's start. */
export function startOfPath(index: EventIndex, path: readonly (string | number)[], memo: PathMemo = newPathMemo(index)): number | undefined {
  if (index.root < 0) return undefined;
  let shared = 0;
  while (shared < path.length && shared < memo.chain.length - 1 && memo.path[shared] === path[shared]) shared += 1;
  // Where the last lookup went from the first step that differs (an earlier item of the same list, maybe).
  const lastItem = shared < memo.chain.length - 1 ? Number(memo.path[shared]) : Number.NaN;
  const lastFound = memo.chain[shared + 1];
  // The memo's arrays are cut back and extended in place: a lookup allocates nothing of its own.
  const { chain, keyStarts } = memo;
  chain.length = shared + 1;
  keyStarts.length = shared + 1;
  memo.path.length = shared;
  for (let depth = shared; depth < path.length; depth += 1) memo.path.push(path[depth]!);
  for (let depth = shared; depth < path.length; depth += 1) {
    const step = path[depth]!;
    const current = chain[depth]!;
    const kind = index.kind[current];
    let found: number | undefined;
    let keyStart: number | undefined;
    if (kind === EVENT_ID.MAPPING) {
      // Children alternate key, value; the first key equal to `step` wins.
      const key = String(step);
      for (let at = current + 1; index.kind[at] !== EVENT_ID.POP && at < index.kind.length; ) {
        const valueAt = index.next[at]!;
        if (keyIs(index, at, key)) {
          found = valueAt;
          keyStart = index.start[at];
          break;
        }
        at = index.next[valueAt]!;
      }
    } else if (kind === EVENT_ID.SEQUENCE && Number.isInteger(Number(step))) {
      const wanted = Number(step);
      let at = current + 1;
      let item = 0;
      // The last lookup went through an earlier item of this list: walk on from it.
      if (depth === shared && Number.isInteger(lastItem) && lastItem >= 0 && lastItem <= wanted) {
        at = lastFound!;
        item = lastItem;
      }
      for (; item < wanted && index.kind[at] !== EVENT_ID.POP; item += 1) at = index.next[at]!;
      if (index.kind[at] !== EVENT_ID.POP && at < index.kind.length) found = at;
    }
    if (found === undefined) break;
    chain.push(found);
    keyStarts.push(keyStart);
  }
  for (let depth = chain.length - 1; depth >= 0; depth -= 1) {
    const key = keyStarts[depth];
    if (key !== undefined && key >= 0) return key;
    if (index.start[chain[depth]!]! >= 0) return index.start[chain[depth]!]!;
  }
  return undefined;
}

/**
 * An EventIndex as a message between threads carries it (project/yaml-thread.ts): typed arrays
 * only, moved rather than copied, the text sent beside it (once per file). A special scalar is
 * its event index and the four fields getScalarValue reads besides its range (which `start` and
 * `end` hold): at 10,000 models some 60,000 quoted descriptions, which as event objects cost
 * more to copy across than the rest of the file's value.
 */
export interface PortableEventIndex {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  next: Int32Array;
  root: number;
  /** The special scalars' event indexes, ascending. */
  specialAt: Int32Array;
  /** Per special scalar: style, chomping, indent, fast (0 or 1). */
  specialForm: Int32Array;
}

const FORM_FIELDS = 4;

/** `index` (as indexEvents made it) ready to post, and the buffers to move with it (the index is unusable here afterwards). */
export function portableIndex(index: EventIndex): { portable: PortableEventIndex; transfer: ArrayBuffer[] } {
  const { kind, start, end, next, root } = index;
  // indexEvents added them in ascending order of index: a Map iterates in that order.
  const specials = index.special as Map<number, YamlEvent & { style: number; chomping: number; indent: number; fast: boolean }>;
  const specialAt = new Int32Array(specials.size);
  const specialForm = new Int32Array(specials.size * FORM_FIELDS);
  let n = 0;
  for (const [at, event] of specials) {
    const form = n * FORM_FIELDS;
    specialAt[n] = at;
    specialForm[form] = event.style;
    specialForm[form + 1] = event.chomping;
    specialForm[form + 2] = event.indent;
    specialForm[form + 3] = event.fast ? 1 : 0;
    n += 1;
  }
  const buffers = [kind, start, end, next, specialAt, specialForm].map((array) => array.buffer as ArrayBuffer);
  return { portable: { kind, start, end, next, root, specialAt, specialForm }, transfer: buffers };
}

/** The EventIndex a PortableEventIndex was made from, over the same `text`. */
export function indexFromPortable(portable: PortableEventIndex, text: string): EventIndex {
  const { kind, start, end, next, root, specialAt, specialForm } = portable;
  // One flag per event: `has` is asked of every key a lookup passes; `get` only of the few special keys.
  const flags = new Uint8Array(kind.length);
  for (const at of specialAt) flags[at] = 1;
  const special: SpecialScalars = {
    has: (at) => flags[at] === 1,
    get: (at) => {
      if (flags[at] !== 1) return undefined;
      let low = 0;
      let high = specialAt.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (specialAt[middle]! < at) low = middle + 1;
        else high = middle;
      }
      const form = low * FORM_FIELDS;
      return {
        type: EVENT_ID.SCALAR,
        valueStart: start[at]!,
        valueEnd: end[at]!,
        anchorStart: -1,
        anchorEnd: -1,
        tagStart: -1,
        tagEnd: -1,
        style: specialForm[form]!,
        chomping: specialForm[form + 1]!,
        indent: specialForm[form + 2]!,
        fast: specialForm[form + 3] === 1,
      } as YamlEvent;
    },
  };
  return { text, kind, start, end, next, root, special };
}
