import { createRequire } from 'node:module';

type YamlLib = typeof import('yaml');

let loaded: YamlLib | undefined;

/**
 * The `yaml` library, loaded on first use. It reads YAML with every line and problem known, which
 * only errors, `--vars` and selectors.yml need (project files are read with js-yaml first), and
 * loading its ~80 modules costs every command 30–40 ms before it does anything.
 */
export function yamlLib(): YamlLib {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlLib;
  return loaded;
}
