// Compiled by `tsc` in `npm test`: the shipped .d.ts files describe the API
// as a TypeScript user meets it through the `exports` map.
import { validateEnableRequest, decide, IdentityMfaError, catalog, loadIdentityMfa, type ValidationResult } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { catalogEntry } from 'identity-mfa/catalog';

const result: ValidationResult = validateEnableRequest(new TextEncoder().encode('{}'));
if (result.ok) {
  const code: string | undefined = result.value.recoveryCode;
  void code;
} else {
  const status: number = result.status;
  const fields: Record<string, string> | undefined = result.error.fields;
  void status, fields;
  const error = IdentityMfaError.from(result);
  const code: string = error.code;
  void code;
}

const host = createNodeHost({ pepper: 'c2l4dGVlbiBieXRlcyBvZiBwZXBwZXI=' });
const decision = decide('setup', { body: '{"mfaType":"app"}', user: { username: 'ada' } }, host);
const stored: string | null = decision.newState;
void stored;
const title: string | undefined = catalogEntry('IDE-0001')?.title;
void title, catalog.length;
const api = await loadIdentityMfa();
api.validateSetupRequest('{"mfaType":"sms"}');

// The embedded build and a fetched build served from elsewhere share one API.
import { loadIdentityMfa as loadEmbedded } from 'identity-mfa/embedded';
const fromEmbedded = await loadEmbedded();
const fromCdn = await loadIdentityMfa({ locateFile: (file: string) => `https://static.example/identity-mfa/${file}` });
const sameShape: ValidationResult = fromEmbedded.validateEnableRequest('{}');
void fromCdn, sameShape;

