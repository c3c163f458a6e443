/**
 * A reader that stops early (`tsdbt ls | head -1`) closes the pipe, and the next write fails
 * with EPIPE, which Node raises as an unhandled 'error' event: a stack trace on the user's
 * terminal. The reader has had what it wanted, so that error is dropped: the command carries on
 * (a build still finishes and writes its artifacts) and exits with its own code; what it writes
 * later to the closed stream goes nowhere. Any other write error is left as it was.
 */
export function ignoreClosedPipes(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
