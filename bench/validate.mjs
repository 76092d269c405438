// npm run bench:validate — validates the enable body in one process, three
// ways, and prints ns per request and the ratio wasm/ajv:
//   wasm    the npm package, from bytes (Buffer), as the server would call it
//   native  the same C++ core compiled natively (a child process, same machine)
//   ajv     the fastest plain-JS alternative: JSON.parse + a compiled ajv schema
// Each figure is the median of 7 rounds measured in this run; no absolute
// figure is asserted anywhere (the machines are shared and noisy).
import { execFileSync } from 'node:child_process';
import Ajv from 'ajv';
import { validateEnableRequest } from 'identity-mfa';
import { timePerCall } from './timing.mjs';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300000);
const ROUNDS = 7;

// The same rules as docs/contract.md §3 steps 6–11 for the enable route.
const ajv = new Ajv({ allErrors: false });
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['recoveryCode', 'mfaType'],
  properties: {
    recoveryCode: { type: 'string', minLength: 1, maxLength: 64 },
    mfaType: { type: 'string', enum: ['app', 'email', 'sms'] },
    secret: { type: ['string', 'null'], maxLength: 128 },
  },
  if: { properties: { mfaType: { const: 'app' } } },
  then: { required: ['secret'], properties: { secret: { type: 'string', minLength: 1 } } },
};
const check = ajv.compile(schema);
const decoder = new TextDecoder('utf-8', { fatal: true });
function ajvValidate(bytes) {
  if (bytes.length > 16384) return { ok: false, status: 413 };
  let value;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, status: 400 };
  }
  return check(value) ? { ok: true, value } : { ok: false, status: 400, errors: check.errors };
}

const measure = (fn, input) => timePerCall(() => fn(input), { calls: ITERATIONS, rounds: ROUNDS });

const nativeBinary = new URL('../build/native/bench/identity_mfa_bench_validate', import.meta.url).pathname;
const bodies = {
  'valid (upstream example)': '{"recoveryCode":"a1b2c3d4e5","mfaType":"app","secret":"JBSWY3DPEHPK3PXP"}',
  'invalid (unexpected field)': '{"recoveryCode":"a1b2c3d4e5","mfaType":"app","secret":"JBSWY3DPEHPK3PXP","admin":true}',
  // An escape sends the body past the fast path, through simdjson.
  'valid, escaped (simdjson)': '{"recoveryCode":"a1b2c3d4e5","mfaType":"\\u0061pp","secret":"JBSWY3DPEHPK3PXP"}',
};

console.log(`enable-body validation, median of ${ROUNDS} rounds of ${ITERATIONS} requests (ns per request)`);
console.log('body                          wasm      native    ajv       wasm/ajv');
for (const [name, text] of Object.entries(bodies)) {
  const bytes = Buffer.from(text);
  if (validateEnableRequest(bytes).ok !== ajvValidate(bytes).ok) throw new Error(`wasm and ajv disagree on ${name}`);
  const wasm = measure(validateEnableRequest, bytes);
  const baseline = measure(ajvValidate, bytes);
  const native = Number(execFileSync(nativeBinary, [text, String(ITERATIONS * 3)], { encoding: 'utf8' }).split(' ')[0]);
  const row = [wasm, native, baseline].map((n) => n.toFixed(0).padStart(6) + '    ').join('');
  console.log(`${name.padEnd(30)}${row}${(wasm / baseline).toFixed(2)}x`);
}
