import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { createTerminal, outputSettingsFromArgv, Terminal, type TerminalOptions } from '../../src/cli/terminal.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { FakeStream } from '../report/fake-stream.js';
import { parseLogLines } from '../report/log-schema-validator.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-term-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const now = () => new Date(2026, 0, 2, 3, 4, 5);
function terminal(options: TerminalOptions = {}) {
  const stdout = new FakeStream();
  const stderr = new FakeStream(options.stderr?.isTTY ?? false);
  const term = new Terminal({ stdout, now, ...options, stderr });
  return { term, stdout, stderr };
}
const project = (dir: string) => ({ dir, invocationId: '00000000-0000-4000-8000-000000000000', config: { logPath: 'logs' } });

describe('Terminal, text format', () => {
  it('prefixes every line with the time, marks warnings, hides debug lines unless --debug, and keeps data on stdout', () => {
    const { term, stdout, stderr } = terminal({ color: false });
    term.info('Found 3 models');
    term.info('');
    term.warn('two lines\nof warning');
    term.detail('hidden');
    term.data('{"show": []}');
    term.error(new TsdbtError({ code: ErrorCodes.UNKNOWN_REF, message: 'No such model.', file: 'models/a.sql', line: 2, hint: 'Check it.' }));
    expect(stderr.text).toBe(
      '03:04:05  Found 3 models\n\n03:04:05  Warning: two lines\n03:04:05  of warning\nError TSDBT2003: No such model.\n  --> models/a.sql:2\n  hint: Check it.\n',
    );
    expect(stdout.text).toBe('{"show": []}\n');
    term.debug = true;
    term.detail('shown');
    expect(stderr.text).toContain('03:04:05  shown\n');
  });

  it('--quiet keeps only errors; --log-level warn drops info', () => {
    const quiet = terminal({ color: false, quiet: true });
    quiet.term.info('progress');
    quiet.term.warn('careful');
    quiet.term.event('error', 'node_finished', '1 of 1 ERROR creating x');
    expect(quiet.stderr.text).toBe('03:04:05  1 of 1 ERROR creating x\n');

    const warn = terminal({ color: false, level: 'warn' });
    warn.term.info('progress');
    warn.term.warn('careful');
    expect(warn.stderr.text).toBe('03:04:05  Warning: careful\n');
  });

  it('redacts secrets it is told about, on stderr and stdout', () => {
    const { term, stdout, stderr } = terminal({ color: false });
    term.secrets.push('hunter2');
    term.info('password is hunter2');
    term.data('hunter2');
    expect(stderr.text + stdout.text).not.toContain('hunter2');
  });
});

describe('Terminal, JSON format', () => {
  it('writes only schema-valid JSON lines, skips blank lines, and uses no colour', () => {
    const { term, stderr } = terminal({ format: 'json', color: true });
    term.info(term.color.green('Completed successfully'));
    term.info('');
    term.warn('careful');
    term.event('info', 'node_start', term.aligned('1 of 2 START sql view model a.b', '[RUN]'), {
      node_id: 'model.a.b',
      resource_type: 'model',
      index: 1,
      total: 2,
    });
    term.error(new TsdbtError({ code: ErrorCodes.CYCLE, message: 'A cycle.', hint: 'Break it.' }));
    term.logger.log('info', 'ingest.attempt', 'GET http://x (attempt 1 of 3)', { attemptNumber: 1 });
    const lines = parseLogLines(stderr.text);
    expect(lines.map((line) => [line.level, line.event, line.msg])).toEqual([
      ['info', 'log', 'Completed successfully'],
      ['warn', 'warning', 'careful'],
      ['info', 'node_start', '1 of 2 START sql view model a.b [RUN]'],
      ['error', 'error', 'A cycle.'],
      ['info', 'ingest.attempt', 'GET http://x (attempt 1 of 3)'],
    ]);
    expect(lines[3]).toMatchObject({ code: 'TSDBT3001', hint: 'Break it.' });
    expect(lines[4]).toMatchObject({ attempt_number: 1 });
    expect(stderr.text).not.toContain('\u001b');
  });

  it('tags lines with the invocation id once the project is known', () => {
    const { term, stderr } = terminal({ format: 'json', logPath: tempDir() });
    term.info('before');
    term.useProject(project(tempDir()));
    term.info('after');
    const lines = parseLogLines(stderr.text);
    expect(lines[0]!.invocation_id).toBeUndefined();
    expect(lines[1]!.invocation_id).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('the log file', () => {
  it('opens at <project>/<log-path>/tsdbt.log with everything logged so far, at debug level, redacted', () => {
    const dir = tempDir();
    const { term } = terminal({ color: false });
    term.event('debug', 'command_start', 'Running with tsdbt=0.0.0: tsdbt run', { args: ['run'], version: '0.0.0' });
    term.info('before the project');
    term.useProject(project(dir), ['hunter2']);
    term.detail('debug line with hunter2');
    term.event('debug', 'sql', 'Sending statement', { sql: 'CREATE TABLE t (x UInt8)' });
    term.close(0);
    const file = path.join(dir, 'logs', 'tsdbt.log');
    expect(term.logFile).toBe(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toMatch(/^={30} \d{4}-\d\d-\d\dT[\d:.]+Z \| 00000000-0000-4000-8000-000000000000 ={30}$/);
    expect(lines.slice(1)).toEqual([
      '03:04:05.000 [debug] command_start: Running with tsdbt=0.0.0: tsdbt run',
      '03:04:05.000 [info ] log: before the project',
      '03:04:05.000 [debug] log: debug line with ****',
      '03:04:05.000 [debug] sql: Sending statement',
      '    CREATE TABLE t (x UInt8)',
      expect.stringMatching(/^03:04:05\.000 \[debug\] command_finished: Command finished with exit code 0 in \d+ ms$/),
      '',
    ]);
  });

  it('--log-path wins over the project; a file that cannot be written warns once and the command goes on', () => {
    const other = tempDir();
    const { term } = terminal({ color: false, logPath: other });
    term.useProject(project(tempDir()));
    expect(term.logFile).toBe(path.join(other, 'tsdbt.log'));

    // `logs` is a file, so the folder cannot be made (even as root).
    const blockedDir = tempDir();
    writeFileSync(path.join(blockedDir, 'logs'), 'not a folder');
    const blocked = terminal({ color: false });
    blocked.term.useProject(project(blockedDir));
    blocked.term.info('still here');
    blocked.term.info('and here');
    expect(blocked.stderr.text.match(/Warning: Cannot write the log file/g)).toHaveLength(1);
    expect(blocked.stderr.text).toContain('still here');
    expect(blocked.stderr.text).toContain('and here');
  });
});

describe('progress', () => {
  it('draws a live status line on a terminal for many items, under the permanent lines, and clears it at the end', () => {
    const { term, stderr } = terminal({ color: false, stderr: new FakeStream(true) });
    const progress = term.progress(12, 'models');
    progress.started('orders');
    term.info('1 of 12 START orders');
    progress.finished('orders');
    progress.end();
    expect(stderr.text).toContain('[--------------------] 0/12 models 0s · running: orders');
    expect(stderr.text).toContain('\r\u001b[2K03:04:05  1 of 12 START orders\n[--------------------] 0/12 models');
    expect(stderr.text).toContain('[##------------------] 1/12 models');
    expect(stderr.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('stays plain when not a terminal, for few items, when quiet, or in JSON', () => {
    const cases: [TerminalOptions, number][] = [
      [{}, 9],
      [{ quiet: true }, 50],
      [{ format: 'json' }, 50],
    ];
    for (const [options, items] of cases) {
      const notTty = terminal({ color: false, ...options });
      notTty.term.progress(50, 'models').started('x');
      expect(notTty.stderr.text).toBe('');
      const tty = terminal({ color: false, ...options, stderr: new FakeStream(true) });
      tty.term.progress(items, 'models').started('x');
      expect(tty.stderr.text).toBe('');
    }
  });
});

describe('outputSettingsFromArgv', () => {
  it('reads the global output flags wherever they stand, and the environment', () => {
    expect(
      outputSettingsFromArgv(
        ['run', '--log-format', 'json', '-q', '--debug', '--no-color', '--log-level=warn', '--log-path', 'x', '--log-file-max-bytes', '100'],
        {},
      ),
    ).toMatchObject({
      format: 'json',
      quiet: true,
      debug: true,
      color: false,
      level: 'warn',
      logPath: 'x',
      logFileMaxBytes: 100,
    });
    expect(outputSettingsFromArgv(['run'], { TSDBT_LOG_FORMAT: 'json', TSDBT_LOG_LEVEL: 'debug' })).toMatchObject({ format: 'json', level: 'debug' });
    // Invalid values are left to commander to refuse.
    expect(outputSettingsFromArgv(['--log-format', 'xml', '--', '--debug'], {})).toMatchObject({ format: 'text', debug: false });
  });
});

describe('Terminal colours', () => {
  const texts: unknown[][] = [['x'], [''], ['two\nlines'], ['a', 'b'], [], [3], ['\u001b[31mred\u001b[39m inside']];
  const styles = (color: Terminal['color']) => [
    color.red,
    color.red.bold,
    color.dim,
    color.yellow,
    color.green,
    color.cyan,
    color.bold,
    color.magenta.underline,
  ];

  it('without colour, styles give what chalk gives at level 0, without loading chalk', () => {
    const plain = terminal({ color: false }).term.color;
    const level0 = new Chalk({ level: 0 });
    for (const text of texts) expect(styles(plain).map((style) => style(...text))).toEqual(styles(level0).map((style) => style(...text)));
    expect(plain.level).toBe(0);
  });

  it('with colour, chalk at level 1: loaded by createTerminal, or by the Terminal itself', async () => {
    const level1 = new Chalk({ level: 1 });
    const made = await createTerminal({ color: true, stdout: new FakeStream(), stderr: new FakeStream() });
    const constructed = terminal({ color: true }).term;
    for (const color of [made.color, constructed.color]) {
      for (const text of texts) expect(styles(color).map((style) => style(...text))).toEqual(styles(level1).map((style) => style(...text)));
    }
    expect((await createTerminal({ color: false, stdout: new FakeStream(), stderr: new FakeStream() })).color.red('x')).toBe('x');
  });
});
