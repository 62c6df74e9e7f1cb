/**
 * `serveLab({ port, host, open })`: the built web lab (dist/web/app, made by `npm run build:web`)
 * and the package's shipped data/ files, from a local HTTP server.
 *
 * Every response carries `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp` (and `Cross-Origin-Resource-Policy: same-origin`),
 * so the page and its workers are cross-origin isolated: SharedArrayBuffer exists there, and the
 * WebAssembly kernels spread large products over threads. Files are sent with their MIME type
 * (`application/wasm` for WebAssembly); gzipped data files are sent as the bytes they are (the
 * lab's IDX reader recognises gzip itself). Only files under the two folders are served.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GradlabError } from '../../tensor/errors.js';

/** The package root: this file sits three folders below it as src/web/node/serve.ts and as dist/web/node/serve.js. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_APP_DIR = join(PACKAGE_ROOT, 'dist', 'web', 'app');
export const DEFAULT_DATA_DIR = join(PACKAGE_ROOT, 'data');

export class ServeError extends GradlabError {}

export interface ServeLabOptions {
  /** TCP port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Open the page in the default browser. */
  open?: boolean;
  /** The built app (default: the package's dist/web/app). */
  appDir?: string;
  /** Served under /data/ (default: the package's shipped data/). */
  dataDir?: string;
}

export interface LabServer {
  /** The page's address, e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.gz': 'application/octet-stream',
};

const ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

/** The file a URL path names inside `dir`, or null (outside it, or not a file). */
function fileIn(dir: string, rel: string): string | null {
  const full = resolve(dir, `.${sep}${rel}`);
  if (full !== dir && !full.startsWith(dir + sep)) return null;
  try {
    const st = statSync(full);
    if (st.isDirectory()) return fileIn(full, 'index.html');
    return st.isFile() ? full : null;
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...ISOLATION, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function handler(appDir: string, dataDir: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'only GET and HEAD');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      send(res, 400, 'bad URL');
      return;
    }
    if (path.includes('\0')) {
      send(res, 400, 'bad URL');
      return;
    }
    const file = path.startsWith('/data/') ? fileIn(dataDir, path.slice('/data/'.length)) : fileIn(appDir, path === '/' ? 'index.html' : path.slice(1));
    if (file === null) {
      send(res, 404, `not found: ${path}`);
      return;
    }
    const size = statSync(file).size;
    const html = file.endsWith('.html');
    res.writeHead(200, {
      ...ISOLATION,
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      // hashed assets never change; the page and the data are revalidated
      'Cache-Control': !html && file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser opener: the URL is printed by the caller
    child.unref();
  } catch {
    // same
  }
}

/** Start the server; resolves once it listens. */
export async function serveLab(opts: ServeLabOptions = {}): Promise<LabServer> {
  const appDir = resolve(opts.appDir ?? DEFAULT_APP_DIR);
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeError('serveLab', `port must be an integer from 0 to 65535, got ${port}`);
  if (!existsSync(join(appDir, 'index.html')))
    throw new ServeError('serveLab', `the web lab is not built: ${join(appDir, 'index.html')} is missing; run \`npm run build:web\` (or \`npm run lab\`, which builds it first)`);
  const server = createServer(handler(appDir, dataDir));
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EADDRINUSE'
          ? new ServeError('serveLab', `port ${port} on ${host} is in use; pick another one (--port) or 0 for any free port`)
          : e,
      ),
    );
    server.listen(port, host, () => ok());
  });
  const addr = server.address();
  const actual = addr !== null && typeof addr === 'object' ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${actual}/`;
  if (opts.open === true) openBrowser(url);
  return {
    url,
    port: actual,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
