// identity-mfa/server: the sidecar as a library. Embed the routes in your own
// Fastify app with `app.register(identityMfaRoutes, options)`, or build the
// whole sidecar with buildApp().
export { identityMfaRoutes, ROUTES } from './plugin.js';
export { buildApp, REDACT } from './app.js';
export { flushLogs } from './logging.js';
export { loadConfig, requireProductionSettings, ConfigError } from './config.js';
export { createVerifier, mintToken } from './auth.js';
export { createSealer } from 'identity-mfa/node';
export { createSender } from './senders.js';
export { openStore, parseStoreUrl } from './store/index.js';
export { openApiDocument } from './openapi.js';
