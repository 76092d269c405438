// Demo mode (`npm start`): SQLite and generated secrets in the data folder,
// a demo user, an HS256 token, and a curl line for each route.
import { mintToken } from '../auth.js';
import { openStore } from '../store/index.js';
import { DEMO_USER, demoConfig, outboxCommand } from './settings.js';

export { demoConfig, isLoopback, outboxCommand } from './settings.js';

/** Loads, or creates on first run, the demo secrets and user; returns the config to serve. */
export async function prepareDemo(baseConfig) {
  const { config, userId, dir } = demoConfig({ ...process.env, IDENTITY_MFA_DATA: baseConfig.dataDir }, {}, { create: true });
  config.host = baseConfig.host;
  config.port = baseConfig.port;
  const store = await openStore(config.db);
  try {
    await store.migrate();
    if (!(await store.getUser(userId))) await store.addUser({ id: userId, ...DEMO_USER });
  } finally {
    await store.close();
  }
  return { config, userId, dir };
}

export async function printDemo({ config, userId, dir }, address) {
  const base = `http://${address.address}:${address.port}`;
  const token = await mintToken(config, { sub: userId, ttl: 24 * 3600 });
  const auth = `-H "Authorization: Bearer $TOKEN"`;
  const json = `${auth} -H 'content-type: application/json'`;
  const url = `${base}/v1/users/${userId}/mfa`;
  console.log(`
identity-mfa demo is listening on ${base}  (data: ${dir})

  Open ${base}/ in a browser: setup with a QR code, recovery codes, verify,
  enable, sign in, status; every request body is checked as you type. Or use curl:

  demo user   ${userId}  (${DEMO_USER.username})
  token       valid 24 h; set it in your shell:

export TOKEN='${token}'

  1. setup (prints a secret, an otpauth URL and 10 recovery codes):
curl -s -X POST ${json} -d '{"mfaType":"app"}' ${url}/setup

  2. verify with a code from your authenticator, or: oathtool --totp -b <secret>
curl -s -X POST ${json} -d '{"mfaType":"app","secret":"<secret>","passcode":"<6 digits>"}' ${url}/verify

  3. enable with one of the recovery codes:
curl -s -X POST ${json} -d '{"mfaType":"app","secret":"<secret>","recoveryCode":"<code>"}' ${url}/enable

  4. status:
curl -s ${auth} ${url}

  5. sign in: check a current code (a new one: the one verify took is used), or a recovery code:
curl -s -X POST ${json} -d '{"mfaType":"app","passcode":"<6 digits>"}' ${url}/check

  Email instead of app: setup with {"mfaType":"email"}, then read the code with
  ${outboxCommand(userId)}
  Also: ${base}/openapi.json  ${base}/metrics  ${base}/health/ready
`);
}
