import { TsdbtError } from '../../../src/core/errors.js';

/** Runs `run` and returns the TsdbtError it throws; fails the test if it throws nothing or something else. */
export function catchError(run: () => unknown): TsdbtError {
  try {
    run();
  } catch (error) {
    if (error instanceof TsdbtError) return error;
    throw error;
  }
  throw new Error('expected a TsdbtError');
}
