/**
 * Fuzzed inputs, in-process: every generated broken project (YAML syntax and schema errors in
 * project.yml, profiles.yml and property files, bad Jinja, unknown refs, cycles, bad selectors,
 * bad CSV seeds) must give one TsdbtError with a stable code, the file (and line) at fault, and
 * a hint; never an internal error or a stack trace. The CLI side is fuzz-cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { removeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';
import { fuzzCases } from './fuzz-cases.js';
import { judge, runCase } from './fuzz-run.js';

describe('fuzzed broken inputs (in-process)', () => {
  it('each gives one TsdbtError with a code, a file:line where one applies, and a hint', ({ task }) => {
    const cases = fuzzCases();
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const home = tempHomeDir();
    try {
      const failures = cases.flatMap((c) => {
        const problem = judge(c, runCase(c, home));
        return problem === undefined ? [] : [`${c.name}: ${problem}`];
      });
      expect(failures, `${failures.length} of ${cases.length} inputs:\n${failures.join('\n')}`).toEqual([]);
    } finally {
      removeProject(home);
    }
    const families = new Map<string, number>();
    for (const c of cases) families.set(c.family, (families.get(c.family) ?? 0) + 1);
    recordFigure(task, {
      section: 'fuzz',
      subject: `broken projects, in-process (${[...families].map(([family, n]) => `${n} ${family}`).join(', ')})`,
      count: cases.length,
      unit: 'inputs tried',
      outcome: 'each one TsdbtError with a stable code, its file (and line where one applies) and a hint; no internal error, no stack trace',
    });
  });
});
