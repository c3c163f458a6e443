import type { Command } from 'commander';
import { writeCompiledSqlFiles, writeJsonArtifact, writeManifestArtifact } from '../../artifacts/write-artifacts.js';
import { PhaseTimer } from '../../compile/perf-info.js';
import { compileModels } from '../../compile/render-model.js';
import { throwCollected } from '../../core/errors.js';
import { deferOptions, openProject, projectOptions, selectOptions, type DeferOptions, type ProjectOptions, type SelectOptions } from '../common-options.js';
import { ExitCode } from '../exit-codes.js';
import { applyDefer, resolveSelection } from '../selection.js';
import type { Terminal } from '../terminal.js';
import { renderInline } from '../inline-sql.js';

interface CompileOptions extends ProjectOptions, SelectOptions, DeferOptions {
  inline?: string;
  writePerfInfo?: boolean;
}

export function registerCompile(program: Command, terminal: Terminal): void {
  deferOptions(selectOptions(projectOptions(program.command('compile'))))
    .description('render models to SQL in target/compiled (with --select or --inline, also print it)')
    .option('--inline <sql>', 'compile this SQL (with Jinja, ref, source) instead of project models, and print it')
    .option('--write-perf-info', 'write the time of each phase to target/perf_info.json')
    .action(async (options: CompileOptions) => {
      const timer = options.writePerfInfo === true ? new PhaseTimer() : undefined;
      const project = openProject(options, terminal, timer);
      if (options.inline !== undefined) {
        terminal.data(renderInline(project, options.inline));
        process.exitCode = ExitCode.OK;
        return;
      }
      const selection = resolveSelection(project, options, ['model', 'snapshot'], terminal);
      const ids = selection.ids;
      await applyDefer(project, selection, options, terminal);
      timer?.mark('selection');
      throwCollected(compileModels(project, ids));
      timer?.mark('render');
      // The compiled files are written on another thread while this one writes the manifest.
      const writing = writeCompiledSqlFiles(project, ids.map((id) => {
        const node = project.models.get(id) ?? project.snapshots.get(id)!;
        return { node, sql: node.compiledSql ?? '' };
      }));
      // Made while written, a group of entries at a time: never the whole manifest in memory.
      writeManifestArtifact(project);
      timer?.mark('manifest.json (build and write)');
      await writing;
      if (timer !== undefined) {
        timer.mark('target/compiled (rest of the writes)');
        writeJsonArtifact(project, 'perf_info.json', timer.info());
      }
      if (options.select !== undefined || options.selector !== undefined) {
        const shown = ids.map((id) => project.models.get(id) ?? project.snapshots.get(id)!);
        for (const node of shown) {
          if (shown.length > 1) terminal.data(`-- ${node.originalFilePath}`);
          terminal.data(node.compiledSql ?? '');
        }
      }
      terminal.info(`Compiled ${ids.length} model${ids.length === 1 ? '' : 's'} into ${project.config.targetPath}/compiled.`);
      process.exitCode = ExitCode.OK;
    });
}
