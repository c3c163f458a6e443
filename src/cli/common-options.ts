// The option types and parsers belong to the tasks; re-exported for the command files.
export {
  microbatchOptions,
  parseThreads,
  parseVars,
  parseYamlMapping,
  type DeferOptions,
  type ExecutionOptions,
  type ProjectOptions,
  type SelectOptions,
} from '../tasks/options.js';
export { openProject } from '../tasks/open-project.js';

// Light (commander only), so a command can declare its options without loading the tasks (compile's fast path).
export { deferOptions, executionOptions, failFastOption, projectOptions, selectOptions } from './option-sets.js';
