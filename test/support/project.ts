/** In-process project loading for config, compile and graph tests: a temp project per test, removed after it. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { loadProject, type LoadProjectOptions, type Project } from '../../src/compile/load-project.js';
import { isTsdbtError, type TsdbtError } from '../../src/core/errors.js';
import { removeProject, writeProject } from './cli.js';

/** A temp project for the current test only. */
export function tempProject(files: Record<string, string>): string {
  const dir = writeProject(files);
  onTestFinished(() => removeProject(dir));
  return dir;
}

/** An empty HOME for the current test, so a developer's own ~/.tsdbt/profiles.yml never leaks in. */
export function tempHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
  mkdirSync(path.join(home, '.tsdbt'));
  onTestFinished(() => removeProject(home));
  return home;
}

export type LoadOptions = Omit<LoadProjectOptions, 'projectDir'> & { sub?: string };

/** Loads `files` as a project, with an empty HOME and only the env given. */
export function load(files: Record<string, string>, options: LoadOptions = {}): Project {
  const dir = tempProject(files);
  const { sub, env, ...rest } = options;
  return loadProject({ ...rest, projectDir: sub === undefined ? dir : path.join(dir, sub), env: { HOME: tempHome(), ...env } });
}

/** Loads `files` expecting failure; returns every collected error. */
export function loadErrors(files: Record<string, string>, options: LoadOptions = {}): TsdbtError[] {
  try {
    load(files, options);
  } catch (error) {
    if (isTsdbtError(error)) return error.all();
    throw error;
  }
  throw new Error('expected loading the project to fail');
}

/** The fields of an error worth asserting, for `toEqual` / `toMatchObject`. */
export function summary(error: TsdbtError): { code: string; message: string; location: string | undefined; hint: string | undefined } {
  return { code: error.code, message: error.message, location: error.location, hint: error.hint };
}
