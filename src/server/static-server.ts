/**
 * The local viewer server: node:http on 127.0.0.1 only, a free port by default. It serves
 * exactly its own in-memory files — the viewer page, the bundle and the scene at
 * /scene.json — and nothing from the file system, so no request path can reach other files.
 * Requests whose Host header is not this loopback address get 403 (DNS-rebinding guard).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK = '127.0.0.1';

export interface StaticFile {
  body: Buffer;
  type: string;
}

export interface ViewerServer {
  url: string;
  port: number;
  server: Server;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** URL path → file. Paths are matched exactly ('/' is the page). */
  files: Record<string, StaticFile>;
}

/** The file table for the viewer: page, bundle and scene JSON. */
export function viewerFiles(html: string, js: string, sceneJson: string): Record<string, StaticFile> {
  const page = { body: Buffer.from(html), type: 'text/html; charset=utf-8' };
  return {
    '/': page,
    '/index.html': page,
    '/viewer.js': { body: Buffer.from(js), type: 'text/javascript; charset=utf-8' },
    '/scene.json': { body: Buffer.from(sceneJson), type: 'application/json; charset=utf-8' },
  };
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
} as const;

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Route one request: exact path lookup in `files`, after host and method checks. */
export function handleRequest(files: Record<string, StaticFile>, port: number, req: IncomingMessage, res: ServerResponse): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) return send(res, 403, 'forbidden host\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  const raw = req.url ?? '/';
  // Only plain absolute paths; the query string is ignored. No decoding is needed because
  // the lookup is exact: '/%2e%2e/x', '/../x', '//x' and '\\x' match no entry.
  const path = raw.split('?')[0];
  const file = Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
  if (!file) return send(res, 404, 'not found\n');
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/** Start the server on 127.0.0.1 (never another interface). */
export function startServer(opts: ServeOptions): Promise<ViewerServer> {
  return new Promise((resolvePromise, reject) => {
    let port = 0;
    const server = createServer((req, res) => {
      try {
        handleRequest(opts.files, port, req, res);
      } catch {
        if (!res.headersSent) send(res, 500, 'internal error\n');
        else res.destroy();
      }
    });
    server.on('error', reject);
    server.listen({ host: LOOPBACK, port: opts.port ?? 0, exclusive: true }, () => {
      port = (server.address() as AddressInfo).port;
      server.off('error', reject);
      resolvePromise({
        url: `http://${LOOPBACK}:${port}/`,
        port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Resolve when the process gets SIGINT or SIGTERM (Ctrl-C), after closing the server; the
 * signal handlers are removed again so a second Ctrl-C behaves normally.
 */
export function closeOnInterrupt(srv: ViewerServer, onSignal?: (sig: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const handler = (sig: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      onSignal?.(sig);
      void srv.close().then(() => done(sig));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
