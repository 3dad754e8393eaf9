/**
 * The viewer server: loopback only, exact routes (no path traversal in any spelling),
 * Host-header guard, methods, and a clean stop on SIGINT (in a child process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, viewerFiles, LOOPBACK, type ViewerServer } from '../../src/server/static-server.js';
import { projectRoot } from '../helpers/fixtures.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Send a raw request path (no normalisation by a URL parser). */
function get(port: number, path: string, opts: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: LOOPBACK, port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `${LOOPBACK}:${port}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let srv: ViewerServer;
  const scene = JSON.stringify({ version: 1, title: 't' });
  beforeAll(async () => {
    srv = await startServer({ files: viewerFiles('<!doctype html><p>page</p>', 'console.log(1)', scene) });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('binds 127.0.0.1 on a free port and prints an http://127.0.0.1 URL', () => {
    const addr = srv.server.address();
    expect(typeof addr === 'object' && addr && addr.address).toBe('127.0.0.1');
    expect(srv.port).toBeGreaterThan(0);
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/`);
  });

  it('serves the page, the bundle and the scene', async () => {
    const page = await get(srv.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('page');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(srv.port, '/index.html')).body).toBe(page.body);
    const js = await get(srv.port, '/viewer.js');
    expect(js.headers['content-type']).toMatch(/javascript/);
    const sc = await get(srv.port, '/scene.json?nocache=1');
    expect(sc.status).toBe(200);
    expect(JSON.parse(sc.body)).toEqual({ version: 1, title: 't' });
    const head = await get(srv.port, '/scene.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(scene));
  });

  it('answers 404 to every path-traversal spelling and unknown file', async () => {
    const paths = [
      '/../package.json',
      '/../../etc/passwd',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/..%2fpackage.json',
      '/..%5cpackage.json',
      '/%252e%252e/package.json',
      '/viewer.js/../../package.json',
      '/./viewer.js/..',
      '//etc/passwd',
      '/\\..\\package.json',
      '/package.json',
      '/src/cli/view.ts',
      '/scene.json/',
      '/%00',
      '/constructor',
      '/__proto__',
    ];
    for (const p of paths) {
      const r = await get(srv.port, p);
      expect([403, 404], `${p} → ${r.status}`).toContain(r.status);
      expect(r.body).not.toContain('"name"');
    }
  });

  it('refuses foreign Host headers (DNS rebinding) and other methods', async () => {
    expect((await get(srv.port, '/', { host: 'evil.example' })).status).toBe(403);
    expect((await get(srv.port, '/', { host: `evil.example:${srv.port}` })).status).toBe(403);
    expect((await get(srv.port, '/', { host: `localhost:${srv.port}` })).status).toBe(200);
    const post = await get(srv.port, '/scene.json', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('takes a chosen port and reports a busy one', async () => {
    const other = await startServer({ port: 0, files: {} });
    const port = other.port;
    await expect(startServer({ port, files: {} })).rejects.toThrow(/EADDRINUSE/);
    await other.close();
    const again = await startServer({ port, files: {} });
    expect(again.port).toBe(port);
    await again.close();
  });
});

describe('static server: Ctrl-C', () => {
  it('closes cleanly on SIGINT and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-srv-'));
    const script = join(dir, 'serve.mts');
    const mod = join(projectRoot, 'src', 'server', 'static-server.ts');
    writeFileSync(
      script,
      `import { startServer, closeOnInterrupt, viewerFiles } from ${JSON.stringify(mod)};
const srv = await startServer({ files: viewerFiles('<p>x</p>', '', '{}') });
process.stdout.write(srv.url + '\\n');
const sig = await closeOnInterrupt(srv);
process.stdout.write('closed ' + sig + ' listening=' + srv.server.listening + '\\n');
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', () => reject(new Error(`server exited early: ${err}`)));
    });
    const port = Number(new URL(url).port);
    expect((await get(port, '/')).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('closed SIGINT listening=false');
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);
});
