import { Option, type Command } from 'commander';

/** --project-dir, --profiles-dir, --target, --vars: every command that reads the project takes these. */
export function projectOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .option('--profiles-dir <dir>', 'folder holding profiles.yml (default: $TSDBT_PROFILES_DIR, $DBT_PROFILES_DIR, the project, ~/.tsdbt, ~/.dbt)')
    .option('-t, --target <name>', "target in the profile to use (default: the profile's `target:`)")
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{start_date: 2024-01-01}'");
}

export function selectOptions(command: Command): Command {
  return command
    .addOption(new Option('-s, --select <selector...>', 'nodes to include (names, +parents, children+, tag:x, path:…)'))
    .addOption(new Option('-m, --models <selector...>', 'the same as --select (the older dbt name)'))
    .option('--fail-on-empty-selection', 'fail (exit 2) when a --select criterion matches nothing, instead of warning')
    .addOption(new Option('--exclude <selector...>', 'nodes to leave out'))
    .option('--selector <name>', 'a named selector from selectors.yml (one marked `default: true` applies when no selection is given)')
    .addOption(
      new Option('--state <dir>', 'artifacts (manifest.json, run_results.json) of an earlier run, for state:modified, result:error and --defer').env(
        'TSDBT_STATE',
      ),
    );
}

/** For commands that render models: resolve refs to unselected parents in the --state environment. */
export function deferOptions(command: Command): Command {
  return command
    .option('--defer', 'read unselected parents from the relations named in the --state manifest when they are missing here')
    .option('--favor-state', 'with --defer: read unselected parents from the --state relations even when they exist here');
}

/** For commands that build: --threads, --full-refresh, --fail-fast, --empty. */
export function executionOptions(command: Command): Command {
  return failFastOption(
    command
      .option('--threads <n>', "nodes built at the same time (default: the target's threads)")
      .option('--full-refresh', 'rebuild incremental models from scratch'),
  )
    .option('--empty', 'build with zero rows: every ref() and source() reads as an empty relation (checks SQL and types cheaply)')
    .option('--event-time-start <time>', 'microbatch models: build the batches from this time (e.g. 2024-01-03)')
    .option('--event-time-end <time>', 'microbatch models: build the batches before this time');
}

/** -x, --fail-fast: for every command that runs nodes. */
export function failFastOption(command: Command): Command {
  return command.option('-x, --fail-fast', 'stop starting nodes after the first failure (the rest are skipped)');
}
