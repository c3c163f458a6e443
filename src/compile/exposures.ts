/**
 * dbt's `exposures:`: the dashboards, notebooks and applications that use the project's models.
 * tsdbt builds nothing for them; they are graph nodes so that `+exposure:weekly_kpis` selects
 * everything a dashboard needs, and they appear in manifest.json and `tsdbt ls`.
 */

import { describeType, isPlainObject, stringList, type Plain } from '../config/value-checks.js';
import type { Problems, YamlDocument } from '../config/yaml-document.js';
import type { GraphNode } from '../graph/node.js';

export const EXPOSURE_TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'] as const;
export const EXPOSURE_MATURITIES = ['high', 'medium', 'low'] as const;

/** One `ref(...)` or `source(...)` of an exposure's `depends_on`, with its line. */
export interface ExposureDependency {
  kind: 'ref' | 'source';
  /** ref: [name] or [package, name]; source: [source, table]. */
  args: string[];
  line: number | undefined;
}

export interface ExposureNode extends GraphNode {
  resourceType: 'exposure';
  type: string;
  owner: { name?: string; email?: string };
  description: string;
  label: string | undefined;
  url: string | undefined;
  maturity: string | undefined;
  meta: Record<string, unknown>;
  /** As written; resolved into `dependsOn.nodes` by loadProject. */
  dependencies: ExposureDependency[];
  dependsOn: { nodes: string[]; macros: string[] };
  line: number | undefined;
}

/** Reads an `exposures:` section; problems (a missing name, type or owner, a bad depends_on) go to `problems`. */
export function parseExposures(raw: unknown, doc: YamlDocument, problems: Problems, projectName: string): ExposureNode[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add(['exposures'], `must be a list of exposures (\`- name: …\`), but it is ${describeType(raw)}.`);
    return [];
  }
  const out: ExposureNode[] = [];
  raw.forEach((entry, index) => {
    const at = ['exposures', index];
    if (!isPlainObject(entry) || typeof entry.name !== 'string') {
      problems.add(at, 'must have a `name`.', 'An exposure looks like `- name: weekly_kpis` with `type`, `owner` and `depends_on`.');
      return;
    }
    const type = typeof entry.type === 'string' ? entry.type : '';
    if (!(EXPOSURE_TYPES as readonly string[]).includes(type)) {
      problems.add([...at, 'type'], `must be one of ${EXPOSURE_TYPES.join(', ')}, but it is ${describeType(entry.type)}.`);
    }
    if (!isPlainObject(entry.owner) || (typeof entry.owner.name !== 'string' && typeof entry.owner.email !== 'string')) {
      problems.add(
        [...at, 'owner'],
        'must have a `name` or an `email` (dbt requires an owner).',
        'For example: `owner: {name: Data team, email: data@example.com}`.',
      );
    }
    if (entry.maturity !== undefined && !(EXPOSURE_MATURITIES as readonly string[]).includes(String(entry.maturity))) {
      problems.add([...at, 'maturity'], `must be one of ${EXPOSURE_MATURITIES.join(', ')}, but it is ${describeType(entry.maturity)}.`);
    }
    const config = isPlainObject(entry.config) ? entry.config : {};
    const owner = isPlainObject(entry.owner) ? entry.owner : {};
    out.push({
      uniqueId: `exposure.${projectName}.${entry.name}`,
      name: entry.name,
      resourceType: 'exposure',
      packageName: projectName,
      fqn: [projectName, ...folderParts(doc.file), entry.name],
      originalFilePath: doc.file,
      tags: [...new Set([...(stringList(entry.tags) ?? []), ...(stringList(config.tags) ?? [])])],
      config: { enabled: config.enabled !== false, ...config },
      type,
      owner: { ...(typeof owner.name === 'string' ? { name: owner.name } : {}), ...(typeof owner.email === 'string' ? { email: owner.email } : {}) },
      description: typeof entry.description === 'string' ? entry.description : '',
      label: typeof entry.label === 'string' ? entry.label : undefined,
      url: typeof entry.url === 'string' ? entry.url : undefined,
      maturity: typeof entry.maturity === 'string' ? entry.maturity : undefined,
      meta: isPlainObject(entry.meta) ? entry.meta : {},
      dependencies: readDependencies(entry, at, doc, problems),
      dependsOn: { nodes: [], macros: [] },
      line: doc.lineOf(at),
    });
  });
  return out;
}

const CALL = /^\s*(?:\{\{\s*)?(ref|source)\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*(?:\}\}\s*)?$/;

function readDependencies(entry: Plain, at: (string | number)[], doc: YamlDocument, problems: Problems): ExposureDependency[] {
  const raw = entry.depends_on;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add([...at, 'depends_on'], `must be a list of ref('…') and source('…', '…'), but it is ${describeType(raw)}.`);
    return [];
  }
  const out: ExposureDependency[] = [];
  raw.forEach((item, index) => {
    const match = typeof item === 'string' ? CALL.exec(item) : null;
    if (match === null) {
      problems.add([...at, 'depends_on', index], `must be ref('model') or source('source', 'table'), but it is ${describeType(item)}.`);
      return;
    }
    const kind = match[1] as 'ref' | 'source';
    const args = [match[3]!, ...(match[5] === undefined ? [] : [match[5]])];
    if (kind === 'source' && args.length !== 2) {
      problems.add([...at, 'depends_on', index], "source() takes the source's name and the table's: source('astro', 'raw_astros').");
      return;
    }
    out.push({ kind, args, line: doc.lineOf([...at, 'depends_on', index]) });
  });
  return out;
}

/** `models/marts/exposures.yml` → `['marts']`: the folders below the first, as dbt puts them in the fqn. */
function folderParts(file: string): string[] {
  return file.split('/').slice(1, -1);
}
