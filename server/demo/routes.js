// Demo mode's page at `/` and everything it loads, all from this sidecar: the
// page, its styles and scripts, the package's own loader and wasm (the very
// files `identity-mfa` ships), and the bundled QR encoder. Nothing comes from
// another origin, and the Content-Security-Policy says so to the browser.
import { readdirSync, readFileSync } from 'node:fs';
import { mintToken } from '../auth.js';
import { isLoopback, outboxCommand } from './prepare.js';
import { sendError } from '../replies.js';

const PAGE = new URL('./page/', import.meta.url);
const VENDOR = new URL('./vendor/', import.meta.url);
const PACKAGE_JS = new URL('../../js/', import.meta.url);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // application/wasm lets browsers compile while the bytes arrive.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

// 'wasm-unsafe-eval' is what compiling WebAssembly needs; nothing else is
// evaluated. The QR code is inline SVG markup, styled by attributes only.
const CSP = ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

const SESSION_TTL_SECONDS = 3600;

function typeOf(name) {
  return TYPES[name.slice(name.lastIndexOf('.'))];
}

// Every file is read once, at start: a missing build fails the start, loudly.
function loadAssets() {
  const assets = new Map();
  const add = (path, folder, name) => assets.set(path, { type: typeOf(name), bytes: readFileSync(new URL(name, folder)) });
  add('/', PAGE, 'index.html');
  for (const name of readdirSync(PAGE)) if (name !== 'index.html' && typeOf(name)) add(`/demo/${name}`, PAGE, name);
  for (const name of readdirSync(PACKAGE_JS)) if (name.endsWith('.js')) add(`/identity-mfa/${name}`, PACKAGE_JS, name);
  for (const name of ['identity_mfa.mjs', 'identity_mfa.wasm']) add(`/identity-mfa/wasm/${name}`, new URL('wasm/', PACKAGE_JS), name);
  add('/demo/vendor/qrcode.js', VENDOR, 'qrcode.js');
  return assets;
}

/** Registers the page, its assets and `GET /demo/session` (a token for the demo user). */
export function demoRoutes(app, { config, userId }) {
  let assets;
  try {
    assets = loadAssets();
  } catch (error) {
    throw new Error(`demo page: ${error.message}; build it with \`bash scripts/build.sh wasm assets\``);
  }
  for (const [path, { type, bytes }] of assets) {
    app.get(path, async (request, reply) => {
      reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache');
      if (path === '/') reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      return reply.type(type).send(bytes);
    });
  }
  // The page acts as the demo user. Demo mode only, and only for a page this
  // machine loaded: a loopback Host, so no other site can reach it through a
  // DNS name that points here (DNS rebinding). See docs/security.md.
  app.get('/demo/session', async (request, reply) => {
    if (!isLoopback(request.hostname)) return sendError(reply, 'IDE-0908');
    const user = await app.store.getUser(userId);
    const token = await mintToken(config, { sub: userId, ttl: SESSION_TTL_SECONDS });
    reply.header('cache-control', 'no-store');
    return {
      userId, username: user?.username ?? null, email: user?.email ?? null, phone: user?.phone ?? null,
      token, expiresIn: SESSION_TTL_SECONDS, outboxCommand: outboxCommand(userId),
    };
  });
}
