import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ProjectFile } from '../project/project-files.js';

/** Extracts `{% docs name %}…{% enddocs %}` blocks from a Markdown file. */
export function parseDocBlocks(file: ProjectFile): { blocks: Map<string, string>; errors: TsdbtError[] } {
  const blocks = new Map<string, string>();
  const errors: TsdbtError[] = [];
  const pattern = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
  for (const match of file.text.matchAll(pattern)) {
    const name = match[1]!;
    if (blocks.has(name)) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.DUPLICATE_NODE,
          message: `Documentation block '${name}' is defined twice in ${file.path}.`,
          file: file.path,
          line: file.text.slice(0, match.index).split('\n').length,
          hint: 'Rename one of them.',
        }),
      );
      continue;
    }
    blocks.set(name, match[2]!.trim());
  }
  return { blocks, errors };
}
