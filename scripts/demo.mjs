// `npm start`: walks one user through setup → verify → enable with the
// package, printing each request and the core's answer, then shows the
// answers to a few malformed bodies. The TOTP codes come from node:crypto
// here, as an authenticator app would compute them.
import { createHmac } from 'node:crypto';
import { decide, validateEnableRequest } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';

const host = createNodeHost({ pepper: createHmac('sha256', 'demo').update(String(process.pid)).digest() });
const user = { username: 'ada@example.com', email: 'ada@example.com' };
let state = '';

function call(operation, body) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const d = decide(operation, { body: text, state, user }, host);
  if (d.newState !== null) state = d.newState;
  console.log(`\n> ${operation} ${text ?? ''}\n< ${d.status} ${JSON.stringify(d.body, null, 2).replace(/\n/g, '\n  ')}`);
  return d;
}

function totp(base32Secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32Secret].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, '0');
}

console.log('identity-mfa demo: the MFA core (C++ → WebAssembly) deciding one enrollment.');
const setup = call('setup', { mfaType: 'app' });
const { secret } = setup.body;
call('verify', { passcode: totp(secret), mfaType: 'app', secret });
call('enable', { recoveryCode: setup.body.recoveryCodes[0], mfaType: 'app', secret });
call('status');

console.log('\nMalformed bodies get the server\'s exact answer before anything is sent:');
for (const body of ['{"recoveryCode":"X"}', '{"recoveryCode":"X","mfaType":"push"}', '{"mfaType":"app",', '{"recoveryCode":1,"mfaType":"sms"}']) {
  const r = validateEnableRequest(body);
  console.log(`  ${body.padEnd(40)} → ${r.status} ${r.error.code} ${r.error.fields ? JSON.stringify(r.error.fields) : r.error.title}`);
}
