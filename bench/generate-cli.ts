/**
 * Writes a generated project: `node bench/.build/generate-cli.js <dir> <models> [--seed N] [--dataform]`.
 * The same seed and size always give the same files.
 */
import { DATAFORM_CORE_VERSION } from './dataform-version.js';
import { generateDataformProject, generateProject, writeFiles } from './generate.js';

const args = process.argv.slice(2);
const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--seed');
const [dir, count] = positional;
if (dir === undefined || count === undefined || !Number.isInteger(Number(count))) {
  process.stderr.write('usage: node bench/.build/generate-cli.js <dir> <models> [--seed N] [--dataform]\n');
  process.exit(2);
}
const seedAt = args.indexOf('--seed');
const options = { models: Number(count), seed: seedAt === -1 ? 42 : Number(args[seedAt + 1]) };
writeFiles(dir, args.includes('--dataform') ? generateDataformProject({ ...options, coreVersion: DATAFORM_CORE_VERSION }) : generateProject(options).files);
