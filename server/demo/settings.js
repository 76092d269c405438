// Demo mode's settings, with no dependency beyond Node: the data folder and
// its generated secrets, what counts as this machine, and how to run the CLI
// on the demo's data. (The CLI reads them before it knows the sidecar's
// packages are installed.)
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config.js';
import { privateFolder, writePrivateFile } from '../private-files.js';

const cliPath = fileURLToPath(new URL('../cli.js', import.meta.url));
export const DEMO_USER = { username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100' };
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

