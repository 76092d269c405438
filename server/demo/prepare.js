// Demo mode (`npm start`): SQLite and generated secrets in the data folder,
// a demo user, an HS256 token, and a curl line for each route.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../auth.js';
import { ConfigError, loadConfig } from '../config.js';
import { privateFolder, writePrivateFile } from '../private-files.js';
import { openStore } from '../store/index.js';

const cliPath = fileURLToPath(new URL('../cli.js', import.meta.url));
const DEMO_USER = { username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100' };
const SECRETS_FILE = 'demo-secrets.json';

/** Whether a host name or address is this machine's loopback. */
export function isLoopback(host) {
  const name = String(host).toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

// The demo's generated secrets in `dir`: read, or made on first run when `create`.
function demoSecrets(dir, { create }) {
  const file = join(dir, SECRETS_FILE);
  if (!existsSync(file)) {
    if (!create) throw new ConfigError(`no demo data in ${dir}: run \`npm start\` (serve --demo) first, or set IDENTITY_MFA_DATA`);
    privateFolder(dir);
    writePrivateFile(file, JSON.stringify({
      encryptionKey: `demo1:${randomBytes(32).toString('base64')}`,
      pepper: randomBytes(32).toString('base64'),
      jwtSecret: randomBytes(32).toString('base64url'),
      userId: randomUUID(),
    }, null, 2));
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The configuration of demo mode's data folder (IDENTITY_MFA_DATA, default
 * ./data): its SQLite file and generated secrets, unless set otherwise. For
 * `serve --demo` (which makes them on first run) and the CLI's --demo.
 */
export function demoConfig(env = process.env, flags = {}, { create = false } = {}) {
  const dir = resolve(loadConfig(env, flags).dataDir);
  const secrets = demoSecrets(dir, { create });
  const config = loadConfig({
    ...env,
    IDENTITY_MFA_DB: env.IDENTITY_MFA_DB ?? `sqlite:${join(dir, 'identity-mfa.db')}`,
    IDENTITY_MFA_ENCRYPTION_KEYS: env.IDENTITY_MFA_ENCRYPTION_KEYS ?? secrets.encryptionKey,
    IDENTITY_MFA_RECOVERY_PEPPER: env.IDENTITY_MFA_RECOVERY_PEPPER ?? secrets.pepper,
    IDENTITY_MFA_JWT_SECRET: env.IDENTITY_MFA_JWT_SECRET ?? secrets.jwtSecret,
  }, flags);
  return { config, userId: secrets.userId, dir };
}

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

// How to run this package's CLI from where the demo was started, without
// naming any absolute path: `node server/cli.js` in a checkout,
// `npx identity-mfa` when installed in a project, `identity-mfa` otherwise.
function cliCommand() {
  const path = relative(process.cwd(), cliPath);
  if (path.startsWith('node_modules/')) return 'npx identity-mfa';
  if (!path.startsWith('..') && !isAbsolute(path)) return `node ${path}`;
  return 'identity-mfa';
}

/** The command that prints the demo user's email/SMS messages (the outbox sender's), from where the demo runs. */
export function outboxCommand(userId) {
  return `${cliCommand()} outbox --demo --user ${userId}`;
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
