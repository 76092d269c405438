// Minifies an Emscripten JS glue file in place (run by the wasm build after
// each link). Emscripten 3.1.6 only strips whitespace unless Closure (Java)
// runs; terser's mangling takes the embind glue from ~10.7 to ~7.2 KB gzipped.
// Strings are left alone, so an embedded base64 wasm passes through intact.
import { readFileSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/minify-glue.mjs <glue.mjs>');
  process.exit(2);
}
const result = await minify(readFileSync(file, 'utf8'), {
  module: true,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
writeFileSync(file, result.code);
