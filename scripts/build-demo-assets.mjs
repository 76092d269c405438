// Bundles what the demo page needs from npm for browsers: `qrcode` (CommonJS)
// becomes one ES module, served by the sidecar at /demo/vendor/qrcode.js, so
// the page loads nothing from another origin. Licences travel in the file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

function licence(pkg) {
  const dir = dirname(require.resolve(`${pkg}/package.json`));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const text = ['license', 'LICENSE', 'LICENSE.md'].map((f) => {
    try {
      return readFileSync(join(dir, f), 'utf8');
    } catch {
      return '';
    }
  }).find(Boolean);
  return `${pkg}@${version}\n${text.trim()}`;
}

const banner = `/*! Bundled from npm by scripts/build-demo-assets.mjs.\n${['qrcode', 'dijkstrajs'].map(licence).join('\n\n').replaceAll('*/', '* /')}\n*/`;

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    lib: { entry: join(root, 'server/demo/qrcode-entry.js'), formats: ['es'], fileName: () => 'qrcode.js' },
    outDir: join(root, 'server/demo/vendor'),
    emptyOutDir: true,
    minify: true,
    rollupOptions: { output: { banner } },
  },
});
