import type { Project } from '../compile/load-project.js';
import type { ResourceType } from '../graph/node.js';
import { selectNodes } from '../graph/select/select-nodes.js';
import { findSelector, parseSelectorsFile } from '../graph/select/selectors-file.js';
import { readProjectFile } from '../project/read-file.js';
import type { SelectOptions } from './common-options.js';
import type { Terminal } from './terminal.js';

/** Resolves --select/--exclude/--selector against the project graph, keeping `resourceTypes`. */
export function selectIds(project: Project, options: SelectOptions, resourceTypes: ResourceType[], terminal: Terminal): string[] {
  const selectorsText = options.selector === undefined ? undefined : readProjectFile(project.dir, 'selectors.yml');
  const selector = selectorsText === undefined ? undefined : findSelector(parseSelectorsFile(selectorsText, 'selectors.yml'), options.selector!);
  const ids = selectNodes({
    graph: project.graph,
    select: options.select,
    exclude: options.exclude,
    selector,
    resourceTypes,
    onNoMatch: (warning) => terminal.warn(warning.message),
  });
  return [...ids].sort();
}
