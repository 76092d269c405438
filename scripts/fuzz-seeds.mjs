// Writes every request body of the shared vectors into a folder, as the
// fuzzer's seed corpus: node scripts/fuzz-seeds.mjs <folder>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors, caseBody } from '../tests/js/support/vectors.js';

const dir = process.argv[2];
mkdirSync(dir, { recursive: true });
let n = 0;
const write = (bytes) => writeFileSync(join(dir, `seed-${String(n++).padStart(4, '0')}`), bytes);
for (const file of ['validate-enable.json', 'validate-routes.json']) {
  for (const c of loadVectors(file).cases) {
    const body = caseBody(c);
    if (body.length <= 20000) write(body);
  }
}
for (const scenario of loadVectors('state-machine.json').scenarios) {
  if (scenario.state) write(Buffer.from(scenario.state));
  for (const step of scenario.steps) if (step.body) write(Buffer.from(step.body));
}
console.log(`${n} seeds in ${dir}`);
