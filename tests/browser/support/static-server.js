// Serves a folder read-only on loopback, with the types browsers insist on
// (application/wasm lets WebAssembly.instantiateStreaming compile while the
// bytes arrive).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** Starts the server; resolves to { url, close() }. */
export async function serveFolder(root) {
  const base = normalize(root + sep);
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    const type = TYPES[extname(file)];
    try {
      if (!file.startsWith(base) || !type || !(await stat(file)).isFile()) throw new Error('not served');
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
