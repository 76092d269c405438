// npm run bench:size — what a browser downloads, and how long the core takes
// to start, for both builds of the wasm:
//   fetched   js/wasm/identity_mfa.mjs (glue) + identity_mfa.wasm
//   embedded  js/wasm/identity_mfa.embedded.mjs (the wasm inside, base64)
// Sizes are gzip -9 (and brotli) of the built files; the budget is 60 KB
// gzipped for wasm + glue (issue #5). Instantiation is timed in Debian's
// headless Chromium (first load in a fresh page, then the median of further
// instances) and in this Node process, all in this run.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { launchChromium } from '../tests/browser/support/chromium.js';
import { serveFolder } from '../tests/browser/support/static-server.js';
import { median } from './timing.mjs';

const BUDGET = 60_000;
const REPEATS = 15;
const root = new URL('../', import.meta.url);
const BUILDS = {
  fetched: { loader: 'js/load.js', files: ['js/wasm/identity_mfa.mjs', 'js/wasm/identity_mfa.wasm'] },
  embedded: { loader: 'js/embedded.js', files: ['js/wasm/identity_mfa.embedded.mjs'] },
};

function sizes(file) {
  const bytes = readFileSync(new URL(file, root));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const ms = (value) => `${value.toFixed(1)} ms`.padStart(10);

// Runs in the page: the first instance includes fetching the loader module
// (and, for the fetched build, the .wasm); later ones compile again.
async function timeInPage({ loaderUrl, repeats }) {
  const t0 = performance.now();
  const { loadIdentityMfa } = await import(loaderUrl);
  const first = await loadIdentityMfa();
  const cold = performance.now() - t0;
  if (!first.validateEnableRequest('{"mfaType":"email","recoveryCode":"X"}').ok) throw new Error('core answered wrong');
  const warm = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await loadIdentityMfa();
    warm.push(performance.now() - t);
  }
  return { cold, warm };
}

async function timeInNode(loader) {
  const { loadIdentityMfa } = await import(new URL(loader, root));
  const times = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await loadIdentityMfa();
    times.push(performance.now() - t);
  }
  return median(times);
}

console.log('size (bytes)                          raw      gzip    brotli');
const totals = {};
for (const [name, build] of Object.entries(BUILDS)) {
  totals[name] = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of build.files) {
    const s = sizes(file);
    for (const k of Object.keys(s)) totals[name][k] += s[k];
    console.log(`  ${file.padEnd(34)} ${String(s.raw).padStart(7)} ${String(s.gzip).padStart(9)} ${String(s.brotli).padStart(9)}`);
  }
}
console.log();
let over = false;
for (const [name, t] of Object.entries(totals)) {
  const ok = t.gzip <= BUDGET;
  over ||= !ok;
  console.log(`${name.padEnd(9)} wasm + glue: ${t.gzip} bytes gzipped = ${(t.gzip / BUDGET).toFixed(2)}x the ${BUDGET}-byte budget ${ok ? '(within)' : '(OVER)'}; brotli ${t.brotli}`);
}

const server = await serveFolder(root.pathname);
const browser = await launchChromium();
console.log(`\ninstantiation (${browser.version()}, headless; Node ${process.versions.node})`);
console.log('build       Chromium first   Chromium median   Node median');
try {
  for (const [name, build] of Object.entries(BUILDS)) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench/size.html`);
    const { cold, warm } = await page.evaluate(timeInPage, { loaderUrl: `${server.url}/${build.loader}`, repeats: REPEATS });
    await page.close();
    console.log(`${name.padEnd(9)} ${ms(cold)}        ${ms(median(warm))}     ${ms(await timeInNode(build.loader))}`);
  }
} finally {
  await browser.close();
  await server.close();
}
if (over) process.exitCode = 1;
