// Compiled by `tsc` in `npm test`, with Node's types as a server project has
// them: identity-mfa/server as a TypeScript user meets it.
import { buildApp, loadConfig, mintToken, openStore, ConfigError, type Config } from 'identity-mfa/server';
const config: Config = loadConfig({ IDENTITY_MFA_DB: 'sqlite:./data/example.db' });
const store = await openStore(config.db);
const app = await buildApp({ config, store, logger: false, demo: false });
const token: string = await mintToken(config, { sub: '0192e4a4-6f1c-7a36-9f7e-3c1f2b8d4e55', ttl: 60 });
void app, token, ConfigError;

// The store interface the routes use, as a backend author implements it.
import type { Store, Change } from 'identity-mfa/server';
const loaded = await store.loadUserState('0192e4a4-6f1c-7a36-9f7e-3c1f2b8d4e55');
const change: Change = { state: loaded?.state ?? '', expectedVersion: loaded?.version ?? 0, audit: [{ at: new Date().toISOString(), event: 'setup', mfaType: 'app' }] };
const applied: boolean = await store.commit('0192e4a4-6f1c-7a36-9f7e-3c1f2b8d4e55', change);
const versions: number[] = await store.migrate();
const asStore: Store = store;
void applied, versions, asStore;
