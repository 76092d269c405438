// Demo mode (`npm start`): SQLite and generated secrets in the data folder,
// a demo user, an HS256 token, and a curl line for each route.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../auth.js';
import { loadConfig } from '../config.js';
import { privateFolder, writePrivateFile } from '../private-files.js';
import { openStore } from '../store/index.js';

const cliPath = relative(process.cwd(), fileURLToPath(new URL('../cli.js', import.meta.url)));
const DEMO_USER = { username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100' };

/** Loads, or creates on first run, the demo secrets and user; returns the config to serve. */
export async function prepareDemo(baseConfig) {
  const dir = resolve(baseConfig.dataDir);
  privateFolder(dir);
  const file = join(dir, 'demo-secrets.json');
  if (!existsSync(file)) {
    const secrets = {
      encryptionKey: `demo1:${randomBytes(32).toString('base64')}`,
      pepper: randomBytes(32).toString('base64'),
      jwtSecret: randomBytes(32).toString('base64url'),
      userId: randomUUID(),
    };
    writePrivateFile(file, JSON.stringify(secrets, null, 2));
  }
  const secrets = JSON.parse(readFileSync(file, 'utf8'));
  const config = loadConfig({
    ...process.env,
    IDENTITY_MFA_DB: process.env.IDENTITY_MFA_DB ?? `sqlite:${join(dir, 'identity-mfa.db')}`,
    IDENTITY_MFA_ENCRYPTION_KEYS: process.env.IDENTITY_MFA_ENCRYPTION_KEYS ?? secrets.encryptionKey,
    IDENTITY_MFA_RECOVERY_PEPPER: process.env.IDENTITY_MFA_RECOVERY_PEPPER ?? secrets.pepper,
    IDENTITY_MFA_JWT_SECRET: process.env.IDENTITY_MFA_JWT_SECRET ?? secrets.jwtSecret,
  });
  config.host = baseConfig.host;
  config.port = baseConfig.port;
  const store = await openStore(config.db);
  try {
    await store.migrate();
    if (!(await store.getUser(secrets.userId))) await store.addUser({ id: secrets.userId, ...DEMO_USER });
  } finally {
    await store.close();
  }
  return { config, userId: secrets.userId, dir };
}

// Quoted for a POSIX shell when it holds anything but plain path characters.
const shellWord = (text) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The command that prints the demo user's email/SMS messages (the outbox sender's). */
export function outboxCommand(config, userId) {
  const db = config.db.kind === 'sqlite' ? shellWord(`sqlite:${config.db.path}`) : '<the database URL>';
  return `IDENTITY_MFA_DB=${db} node ${shellWord(cliPath)} outbox --user ${userId}`;
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
  ${outboxCommand(config, userId)}
  Also: ${base}/openapi.json  ${base}/metrics  ${base}/health/ready
`);
}
