// GET /openapi.json: every route, body, response and error example.
import { readFileSync } from 'node:fs';
import { catalog, catalogEntry } from 'identity-mfa/catalog';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const str = { type: 'string' };
const bool = { type: 'boolean' };
const mfaType = { type: 'string', enum: ['app', 'email', 'sms'] };
const codes = { type: 'array', items: str };
const object = (properties, required = []) => ({ type: 'object', additionalProperties: false, properties, required });

const schemas = {
  ErrorMessage: object({
    code: { type: 'string', enum: catalog.map((e) => e.code) },
    title: str,
    message: str,
    fields: { type: 'object', additionalProperties: str },
  }, ['code', 'title', 'message']),
  MfaStatus: object({
    enabled: bool,
    preferredType: { type: 'string', enum: ['', 'app', 'email', 'sms'] },
    methods: { type: 'array', items: mfaType },
    totpEnabled: bool,
    emailEnabled: bool,
    smsEnabled: bool,
    recoveryCodesRemaining: { type: 'integer', minimum: 0 },
    pending: { type: 'array', items: object({ mfaType, expiresAt: { type: 'string', format: 'date-time' }, verified: bool }, ['mfaType', 'expiresAt', 'verified']) },
    lockedUntil: { type: ['string', 'null'] },
  }, ['enabled', 'preferredType', 'methods', 'totpEnabled', 'emailEnabled', 'smsEnabled', 'recoveryCodesRemaining', 'pending', 'lockedUntil']),
  MFASetupInput: object({ mfaType }, ['mfaType']),
  MFASetupOutput: object({ secret: str, url: str, recoveryCodes: codes, mfaType, enabled: { const: false } }, ['recoveryCodes', 'mfaType', 'enabled']),
  MFAVerifyInput: object({ passcode: { type: 'string', pattern: '^[0-9]{6,8}$' }, mfaType, secret: str, countryCode: { type: 'string', pattern: '^[A-Za-z]{2}$' } }, ['passcode', 'mfaType']),
  MFAVerifyOutput: object({ verified: { const: true } }, ['verified']),
  MFAEnableInput: object({ recoveryCode: str, mfaType, secret: str }, ['recoveryCode', 'mfaType']),
  MFAEnableOutput: object({ enabled: { const: true } }, ['enabled']),
  MFAPreferredInput: object({ mfaType, secret: str }, ['mfaType']),
  MFAPreferredOutput: object({ preferredType: mfaType }, ['preferredType']),
  MFADisableInput: object({ mfaType, passcode: str, recoveryCode: str }, ['mfaType']),
  MFADisableOutput: object({ enabled: bool, methods: { type: 'array', items: mfaType } }, ['enabled', 'methods']),
  MFARecoveryCodesInput: object({ passcode: str, recoveryCode: str }),
  MFARecoveryCodesOutput: object({ recoveryCodes: codes }, ['recoveryCodes']),
};

const AUTH = ['IDE-0003', 'IDE-0008', 'IDE-0009', 'IDE-0013', 'IDE-1003', 'IDE-0006', 'IDE-0045'];
const BODY = ['IDE-0001', 'IDE-0004', 'IDE-0007'];
const routes = [
  ['get', '/mfa', 'Get the MFA status', null, 'MfaStatus', []],
  ['post', '/mfa/setup', 'Start an MFA setup', 'MFASetupInput', 'MFASetupOutput', [...BODY, 'IDE-0044', 'IDE-0040', 'IDE-0905', 'IDE-0907']],
  ['post', '/mfa/verify', 'Verify a passcode', 'MFAVerifyInput', 'MFAVerifyOutput', [...BODY, 'IDE-0044', 'IDE-0043', 'IDE-0902', 'IDE-0904', 'IDE-0905']],
  ['post', '/mfa/enable', 'Enable MFA', 'MFAEnableInput', 'MFAEnableOutput', [...BODY, 'IDE-0044', 'IDE-0040', 'IDE-0043', 'IDE-0901', 'IDE-0903', 'IDE-0904', 'IDE-0905']],
  ['patch', '/mfa/preferred', 'Set the preferred MFA type', 'MFAPreferredInput', 'MFAPreferredOutput', [...BODY, 'IDE-0044', 'IDE-0904', 'IDE-0906']],
  ['post', '/mfa/disable', 'Disable an MFA type', 'MFADisableInput', 'MFADisableOutput', [...BODY, 'IDE-0044', 'IDE-0901', 'IDE-0902', 'IDE-0905', 'IDE-0906']],
  ['post', '/mfa/recovery-codes', 'Replace the recovery codes', 'MFARecoveryCodesInput', 'MFARecoveryCodesOutput', [...BODY, 'IDE-0901', 'IDE-0902', 'IDE-0905', 'IDE-0906']],
];

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

function errorResponses(codesOfRoute) {
  const byStatus = {};
  for (const code of [...codesOfRoute, ...AUTH]) {
    const { status, title, message } = catalogEntry(code);
    byStatus[status] ??= { description: title, content: { 'application/json': { schema: ref('ErrorMessage'), examples: {} } } };
    byStatus[status].content['application/json'].examples[code.replace('-', '')] = { summary: title, value: { code, title, message } };
  }
  if (codesOfRoute.includes('IDE-0007')) {
    const { title, message } = catalogEntry('IDE-0007');
    byStatus[413] = { description: 'Body over the size limit', content: { 'application/json': { schema: ref('ErrorMessage'), examples: { Error0007: { value: { code: 'IDE-0007', title, message } } } } } };
  }
  if (byStatus[429]) byStatus[429].headers = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
  return byStatus;
}

export function openApiDocument() {
  const paths = {};
  for (const [method, suffix, summary, input, output, errors] of routes) {
    const operation = {
      tags: ['MFA API'],
      summary,
      parameters: [{ name: 'id', in: 'path', required: true, description: 'The user id (a UUID)', schema: { type: 'string', format: 'uuid' } }],
      security: [{ bearer: [] }],
      responses: { 200: { description: 'OK', content: { 'application/json': { schema: ref(output) } } }, ...errorResponses(errors) },
    };
    if (input) operation.requestBody = { required: true, content: { 'application/json': { schema: ref(input) } } };
    (paths[`/v1/users/{id}${suffix}`] ??= {})[method] = operation;
  }
  const health = (summary) => ({ get: { summary, responses: { 200: { description: 'OK' }, 503: { description: 'Not ready' } } } });
  paths['/health/live'] = health('The process is up');
  paths['/health/ready'] = health('The store is reachable');
  paths['/metrics'] = { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain; version=0.0.4' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'identity-mfa', version: pkg.version, description: 'MFA enrollment, compatible with the Lerian Access Manager Identity API (MFA routes).' },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: "The authorization token in the 'Bearer <token>' format." } },
    },
  };
}
