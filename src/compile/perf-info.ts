/**
 * Where a command's time went, phase by phase: `tsdbt compile --write-perf-info` writes it to
 * `<target-path>/perf_info.json`, as dbt's `--write-perf-info` does for parsing. The benchmarks
 * read it to show what a 10,000-model compile spends its time on.
 */
// `performance` is Node's global (the same object node:perf_hooks exports): importing node:perf_hooks
// costs every command that loads this module a few milliseconds at start, timing or not.

export interface Phase {
  name: string;
  /** Seconds, as dbt's perf_info.json gives them. */
  elapsed: number;
}

export interface PerfInfo {
  /** Files read from the project (models, macros, properties, seeds, tests, docs). */
  path_count: number;
  /** Files whose parse partial parsing reused from target/partial_parse.json. */
  reused_path_count: number;
  is_partial_parse_enabled: boolean;
  /** From the process's start to the end of the command's work. */
  elapsed: number;
  phases: Phase[];
}

/** Notes phase boundaries; `mark(name)` closes the phase that ran since the previous mark. */
export class PhaseTimer {
  private last = performance.now();
  readonly phases: Phase[] = [{ name: 'start (loading tsdbt)', elapsed: this.last / 1000 }];
  pathCount = 0;
  reusedPathCount = 0;
  partialParse = false;

  mark(name: string): void {
    const now = performance.now();
    this.phases.push({ name, elapsed: (now - this.last) / 1000 });
    this.last = now;
  }

  info(): PerfInfo {
    const round = (seconds: number) => Math.round(seconds * 1e6) / 1e6;
    return {
      path_count: this.pathCount,
      reused_path_count: this.reusedPathCount,
      is_partial_parse_enabled: this.partialParse,
      elapsed: round(performance.now() / 1000),
      phases: this.phases.map((phase) => ({ name: phase.name, elapsed: round(phase.elapsed) })),
    };
  }
}
