/**
 * For readers that walk a YAML document's nodes (to keep each value's line) rather than its
 * plain value: every alias replaced by a copy of the node its anchor names, and every merge key
 * (`<<: *base`) applied, so such a reader sees what dbt's loader sees. A document whose aliases
 * would expand past MAX_ALIAS_COUNT, or that names an anchor not defined above, is refused first,
 * before anything is copied.
 */
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { MAX_ALIAS_COUNT } from './yaml-document.js';
import { yamlLib } from './yaml-lib.js';

export function expandAliases(document: Document, file: string, lineCounter: LineCounter): void {
  const yaml = yamlLib();
  let firstAlias: number | undefined;
  yaml.visit(document, {
    Alias(_key, node) {
      firstAlias ??= node.range?.[0];
    },
  });
  if (firstAlias === undefined) return;
  try {
    document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const line = lineCounter.linePos(firstAlias).line;
    throw new TsdbtError({
      code: ErrorCodes.CONFIG_YAML_INVALID,
      message: `${file}:${line}: not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      file,
      line,
      hint: `An alias \`*name\` must refer to an anchor \`&name\` defined above it, and aliases may expand at most ${MAX_ALIAS_COUNT} times.`,
    });
  }
  yaml.visit(document, {
    Alias(_key, node) {
      return (node.resolve(document) as Node).clone() as Node;
    },
  });
  yaml.visit(document, {
    Map(_key, map) {
      applyMergeKeys(map);
    },
  });
}

/** `<<: {…}` or `<<: [{…}, {…}]`: the merged maps' keys added where the map does not set them (earlier maps win). */
function applyMergeKeys(map: YAMLMap): void {
  const yaml = yamlLib();
  const isMerge = (key: unknown) => yaml.isScalar(key) && key.value === '<<';
  if (!map.items.some((pair) => isMerge(pair.key))) return;
  const own = map.items.filter((pair) => !isMerge(pair.key));
  const keyOf = (key: unknown) => (yaml.isScalar(key) ? String(key.value) : String(key));
  const present = new Set(own.map((pair) => keyOf(pair.key)));
  const merged = [];
  for (const pair of map.items.filter((one) => isMerge(one.key))) {
    const sources = yaml.isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      if (!yaml.isMap(source)) continue;
      for (const inherited of source.items) {
        if (present.has(keyOf(inherited.key))) continue;
        present.add(keyOf(inherited.key));
        merged.push(inherited);
      }
    }
  }
  map.items = [...own, ...merged];
}
