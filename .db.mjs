import { decide } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { randomBytes } from 'node:crypto';
const base = createNodeHost({ pepper: randomBytes(32), encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }] });
const user = { id: '019c96a0-0c21-71f9-a487-66a1258278a1', username: 'ada', email: 'ada@example.com', phone: '' };
const settings = { issuer: 'identity-mfa', algorithm: 'SHA1', digits: 6, period: 30, bodyLimit: 16384 };
function time(name, fn, n = 5000) {
  for (let i = 0; i < 1000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  console.log(name.padEnd(28), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2), 'us');
}
const nohost = { hmac: () => new Uint8Array(32), pepperedHash: () => new Uint8Array(32), seal: (a, b) => new Uint8Array(60), open: (a,b)=>new Uint8Array(20), randomBytes: (n) => new Uint8Array(n) };
const d = decide('setup', { body: '{"mfaType":"app"}', state: '', now: Date.now(), user, settings }, base);
const state = d.newState;
time('setup', () => decide('setup', { body: '{"mfaType":"app"}', state: '', now: Date.now(), user, settings }, base));
time('setup trivial host', () => decide('setup', { body: '{"mfaType":"app"}', state: '', now: Date.now(), user, settings }, nohost));
time('status', () => decide('status', { body: '', state, now: Date.now(), user, settings }, base), 20000);
time('verify wrong', () => decide('verify', { body: '{"mfaType":"app","passcode":"123456"}', state, now: Date.now(), user, settings }, base), 20000);
time('verify wrong trivial', () => decide('verify', { body: '{"mfaType":"app","passcode":"123456"}', state, now: Date.now(), user, settings }, nohost), 20000);
