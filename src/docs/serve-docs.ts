import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback-host.js';
import { SITE_PATHS } from './site-types.js';

export interface DocsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a generated site (the target folder) on 127.0.0.1 only. Files are read on each
 * request, so a `docs generate` in another terminal shows up on reload.
 */
export async function serveDocs(siteDir: string, port: number, host = '127.0.0.1'): Promise<DocsServer> {
  if (!existsSync(path.join(siteDir, SITE_PATHS.index))) {
    throw new TsdbtError({
      code: ErrorCodes.DOCS_NOT_GENERATED,
      message: `There is no generated documentation in ${siteDir} (no ${SITE_PATHS.index}).`,
      hint: 'Run `tsdbt docs generate` first.',
    });
  }
  const files = sirv(siteDir, {
    dev: true,
    etag: true,
    dotfiles: false,
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  });
  const notFound = (res: ServerResponse) => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Not found\n');
  };
  const server = createServer((req, res) => {
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Forbidden: open the docs at http://127.0.0.1 or http://localhost\n');
      return;
    }
    if (!isSiteFile(req.url ?? '/')) return notFound(res);
    files(req, res, () => notFound(res));
  });
  await listen(server, port, host);
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The files `docs generate` writes, and nothing else of the target folder (which also holds run artifacts, and whatever else lands there). */
const SITE_FILE = /^\/(?:index\.html|manifest\.json|catalog\.json|docs\/tsdbt-docs\.(?:js|css)|docs\/data\/(?:graph|nodes-\d{4,})\.js)?$/;

export function isSiteFile(url: string): boolean {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname);
  } catch {
    return false;
  }
  return SITE_FILE.test(pathname);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE';
      reject(
        new TsdbtError({
          code: ErrorCodes.DOCS_PORT_UNAVAILABLE,
          message: taken ? `Port ${port} on ${host} is already in use.` : `Cannot listen on ${host}:${port}: ${error.message}`,
          hint: taken ? 'Stop what uses it, or pick another with --port (0 picks a free one).' : 'Pick another port with --port (0 picks a free one).',
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
}

/** `--port` text to a port number (0 = any free port). */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TsdbtError({
      code: ErrorCodes.DOCS_PORT_UNAVAILABLE,
      message: `--port must be a whole number from 0 to 65535, but it is '${text}'.`,
      hint: 'For example --port 8080 (0 picks a free port).',
    });
  }
  return port;
}
