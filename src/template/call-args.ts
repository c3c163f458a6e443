/** Jinja calls from nunjucks pass keyword arguments as a trailing object tagged `__keywords`. */
export interface CallArgs {
  positional: unknown[];
  keywords: Record<string, unknown>;
}

export function splitArgs(args: readonly unknown[]): CallArgs {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: boolean }).__keywords === true) {
    const { __keywords: _ignored, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}
