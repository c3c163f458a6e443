import { createRequire } from 'node:module';

type YamlLib = typeof import('yaml');

let loaded: YamlLib | undefined;

/**
 * The `yaml` library, loaded on first use. It reads YAML with every line and problem known, which
 * only errors, `--vars` and selectors.yml need (project files are read with js-yaml first), and
 * loading its many modules would slow every command's start (see BENCHMARKS.md).
 */
export function yamlLib(): YamlLib {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlLib;
  return loaded;
}
