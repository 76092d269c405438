// The one table of identity-mfa's contract: MFA types, request fields, the
// reasons an error gives for a field, the operations and their HTTP routes,
// request and response schemas, the error catalog, and the limits and TOTP
// parameters every layer shares.
//
// `node scripts/generate.mjs` writes from it (each file says so in its first
// line): the core's tables (core/include/identity_mfa/contract.h and
// errors.def), the package's js/catalog.js, js/contract.js and
// js/contract.d.ts, and the sidecar's server/openapi.json. `npm test` fails
// when one of them is stale. docs/contract.md says in prose what this encodes.
//
// Adding a route: one entry in OPERATIONS (and its schemas), its decision in
// core/src/decide.cpp, and tests. Adding an error code: one entry in ERRORS.

export const MFA_TYPES = ['app', 'email', 'sms'];

/** Bounds that keep every input cheap to check. */
export const LIMITS = {
  bodyLimit: 16 * 1024, // bytes; one more is 413
  maxDepth: 32, // JSON nesting, the body object included
};

/** The state machine's times and counts (docs/contract.md §2, §5, §9). */
export const TIMINGS = {
  pendingTtlMs: 10 * 60 * 1000, // a pending enrollment lives this long (default)
  codeTtlMs: 5 * 60 * 1000, // an email/SMS code holds until this long after it was sent
  resendIntervalMs: 30 * 1000, // between two codes of the same kind
  maxFailures: 5, // failed attempts in a row before the lock
  lockMs: 15 * 60 * 1000,
  stepUpMs: 5 * 60 * 1000, // a check this recent is step-up for a new factor
  clockSkewMs: 60 * 1000, // stored times this far ahead of now are another clock's, not a jump
};

/**
 * TOTP parameters of new app enrollments: one allowed set and one default,
 * used by the core (settings and stored states), the sidecar's
 * configuration and the package's types.
 */
export const TOTP = {
  algorithms: ['SHA1', 'SHA256', 'SHA512'],
  digits: [6, 8],
  period: { min: 15, max: 300 }, // seconds
  defaults: { algorithm: 'SHA1', digits: 6, period: 30 },
};

/**
 * Reasons an error gives for a field (the values of its `fields` object).
 * `id` is the core's enumerator. Stable strings a UI can map; never a value.
 */
export const REASONS = [
  { id: 'kUnexpected', text: 'unexpected field' },
  { id: 'kRequired', text: 'required' },
  { id: 'kSecretForApp', text: 'required when mfaType is app' },
  { id: 'kNotString', text: 'must be a string' },
  { id: 'kPasscode', text: 'must be 6 to 8 ASCII digits' },
  { id: 'kCountryCode', text: 'must be two ASCII letters' },
  { id: 'kSecretLength', text: 'must be at most 128 characters' },
  { id: 'kRecoveryLength', text: 'must be at most 64 characters' },
  { id: 'kOnlyOne', text: 'send only one of passcode and recoveryCode' },
  { id: 'kOneOf', text: 'send one of passcode and recoveryCode' },
  { id: 'kPasscodeApp', text: 'only the app factor can be disabled with a passcode' },
  { id: 'kDuplicate', text: 'duplicate field' },
  { id: 'kMfaTypeWithPasscode', text: 'required with passcode' },
  { id: 'kUsername', text: 'must be at most 128 characters, none of them a control character' },
  { id: 'kEmail', text: 'must be an e-mail address' },
  { id: 'kE164', text: 'must be an E.164 phone number: + and 7 to 15 digits' },
];

/**
 * The audit events a decision records (the core's AuditEvent, in order).
 * The relay adds message.delivered and message.failed (server/relay.js).
 */
export const AUDIT_EVENTS = [
  'setup', 'setup.refused', 'verify.ok', 'verify.failed', 'enable.ok', 'enable.failed', 'lock',
  'disable', 'disable.failed', 'regenerate', 'regenerate.failed', 'challenge.sent', 'check.ok', 'check.failed',
];

/**
 * Every field a request body may hold, in the order errors name them (the
 * upstream schema's order). All are strings; `null` and `""` count as
 * absent. `format` is checked at step 9 (the reason is given when it fails):
 *   digits     {min, max} ASCII digits
 *   letters    {length} ASCII letters
 *   maxLength  {max} Unicode code points
 *   mfaType    one of MFA_TYPES (step 10, IDE-0044)
 */
export const FIELDS = [
  { name: 'passcode', id: 'kPasscode', format: { kind: 'digits', min: 6, max: 8, reason: 'kPasscode' },
    description: 'A TOTP code from the authenticator app, or the code sent by email or SMS.' },
  { name: 'recoveryCode', id: 'kRecoveryCode', format: { kind: 'maxLength', max: 64, reason: 'kRecoveryLength' },
    description: 'One of the recovery codes; case, spaces and hyphens do not matter.' },
  { name: 'mfaType', id: 'kMfaType', format: { kind: 'mfaType' },
    description: 'The MFA method.' },
  { name: 'secret', id: 'kSecret', format: { kind: 'maxLength', max: 128, reason: 'kSecretLength' },
    description: 'The base32 TOTP secret setup returned (app only).' },
  { name: 'countryCode', id: 'kCountryCode', format: { kind: 'letters', length: 2, reason: 'kCountryCode' },
    description: 'ISO 3166 country of the phone number (accepted, not used).' },
  { name: 'username', id: 'kUsername', format: { kind: 'text', max: 128, reason: 'kUsername' },
    description: 'The name shown in the authenticator app (the otpauth label).' },
  // ASCII addresses (local part of the characters RFC 5322 allows unquoted,
  // a domain of at least two labels): what an email code can be sent to.
  { name: 'email', id: 'kEmail', format: { kind: 'email', max: 254, reason: 'kEmail' },
    description: 'Where email codes go: an ASCII address, at most 254 characters.' },
  { name: 'phone', id: 'kPhone', format: { kind: 'e164', min: 7, max: 15, reason: 'kE164' },
    description: 'Where SMS codes go: an E.164 number, + and 7 to 15 digits.' },
];

/**
 * Rules that span fields, checked in the core in this order:
 *   codesExclusive      step 9: at most one of passcode and recoveryCode (kOnlyOne)
 *   oneCodeRequired     step 8: at least one of them (kOneOf)
 *   mfaTypeWithPasscode step 8: mfaType required when a passcode is sent (kMfaTypeWithPasscode)
 *   passcodeOnlyForApp  after step 10: a passcode proves only the app factor (kPasscodeApp)
 *   secretForApp        step 11: secret required when mfaType is app (kSecretForApp)
 */
export const RULES = ['codesExclusive', 'oneCodeRequired', 'mfaTypeWithPasscode', 'passcodeOnlyForApp', 'secretForApp'];

/**
 * The operations the core decides, in the core's order, each with its HTTP
 * route. `body`: the fields a request may hold, those it must, and the
 * rules; none for a GET. `random`: the decision consumes random bytes
 * (a secret, recovery codes or a one-time code). `failureEvent`: the audit
 * event of a failed attempt (a state's refusal; not a host failure). `errors`: the catalog codes
 * the operation itself can answer (the steps every route shares are added by
 * the generator).
 */
export const OPERATIONS = [
  {
    name: 'status', method: 'GET', path: '/v1/users/{id}/mfa', operationId: 'getMfaStatus',
    summary: 'Get the MFA status', response: 'MfaStatus', errors: [],
  },
  {
    name: 'setup', method: 'POST', path: '/v1/users/{id}/mfa/setup', operationId: 'setupMfa',
    summary: 'Start an MFA setup', schema: 'MFASetupInput', random: true,
    body: { fields: ['mfaType'], required: ['mfaType'], rules: [] },
    response: 'MFASetupOutput', errors: ['IDE-0040', 'IDE-0905', 'IDE-0907', 'IDE-0909'],
  },
  {
    name: 'verify', failureEvent: 'verify.failed', method: 'POST', path: '/v1/users/{id}/mfa/verify', operationId: 'verifyMfa',
    summary: 'Verify a passcode', schema: 'MFAVerifyInput',
    body: { fields: ['passcode', 'mfaType', 'secret', 'countryCode'], required: ['passcode', 'mfaType'], rules: ['secretForApp'] },
    response: 'MFAVerifyOutput', errors: ['IDE-0043', 'IDE-0902', 'IDE-0904', 'IDE-0905'],
  },
  {
    name: 'enable', failureEvent: 'enable.failed', method: 'POST', path: '/v1/users/{id}/mfa/enable', operationId: 'enableMfa',
    summary: 'Enable MFA', schema: 'MFAEnableInput',
    body: { fields: ['recoveryCode', 'mfaType', 'secret'], required: ['recoveryCode', 'mfaType'], rules: ['secretForApp'] },
    response: 'MFAEnableOutput', errors: ['IDE-0040', 'IDE-0043', 'IDE-0901', 'IDE-0903', 'IDE-0904', 'IDE-0905'],
  },
  {
    name: 'preferred', method: 'PATCH', path: '/v1/users/{id}/mfa/preferred', operationId: 'setPreferredMfa',
    summary: 'Set the preferred MFA type', schema: 'MFAPreferredInput',
    body: { fields: ['mfaType', 'secret'], required: ['mfaType'], rules: [] },
    response: 'MFAPreferredOutput', errors: ['IDE-0904', 'IDE-0906'],
  },
  {
    name: 'disable', failureEvent: 'disable.failed', method: 'POST', path: '/v1/users/{id}/mfa/disable', operationId: 'disableMfa',
    summary: 'Disable an MFA type', schema: 'MFADisableInput',
    body: { fields: ['mfaType', 'passcode', 'recoveryCode'], required: ['mfaType'], rules: ['codesExclusive', 'passcodeOnlyForApp'] },
    response: 'MFADisableOutput', errors: ['IDE-0901', 'IDE-0902', 'IDE-0905', 'IDE-0906'],
  },
  {
    name: 'recovery-codes', failureEvent: 'regenerate.failed', method: 'POST', path: '/v1/users/{id}/mfa/recovery-codes', operationId: 'regenerateRecoveryCodes',
    summary: 'Replace the recovery codes', schema: 'MFARecoveryCodesInput', random: true,
    body: { fields: ['passcode', 'recoveryCode'], required: [], rules: ['codesExclusive', 'oneCodeRequired'] },
    response: 'MFARecoveryCodesOutput', errors: ['IDE-0901', 'IDE-0902', 'IDE-0905', 'IDE-0906'],
  },
  {
    name: 'challenge', method: 'POST', path: '/v1/users/{id}/mfa/challenge', operationId: 'challengeMfa',
    summary: 'Send a sign-in code (email, SMS); nothing for an app', schema: 'MFAChallengeInput', random: true,
    body: { fields: ['mfaType'], required: ['mfaType'], rules: [] },
    response: 'MFAChallengeOutput', errors: ['IDE-0905', 'IDE-0906', 'IDE-0907'],
  },
  {
    name: 'check', failureEvent: 'check.failed', method: 'POST', path: '/v1/users/{id}/mfa/check', operationId: 'checkMfa',
    summary: 'Check a sign-in passcode or a recovery code', schema: 'MFACheckInput',
    body: { fields: ['mfaType', 'passcode', 'recoveryCode'], required: [], rules: ['codesExclusive', 'oneCodeRequired', 'mfaTypeWithPasscode'] },
    response: 'MFACheckOutput', errors: ['IDE-0901', 'IDE-0902', 'IDE-0905', 'IDE-0906'],
  },
];

/**
 * The users the sidecar knows (id, username, e-mail, phone), for a token
 * with the admin scope only: a user's own token cannot change where their
 * codes go. Not decided by the core; bodies are validated by it like every
 * other body (Route), in the same order of steps.
 */
export const USER_OPERATIONS = [
  {
    name: 'put-user', method: 'PUT', path: '/v1/users/{id}', operationId: 'putUser',
    summary: 'Create or update a user (admin; idempotent)', schema: 'UserInput',
    body: { fields: ['username', 'email', 'phone'], required: ['username'], rules: [] },
    response: 'User', errors: [],
  },
  {
    name: 'get-user', method: 'GET', path: '/v1/users/{id}', operationId: 'getUser',
    summary: 'Read a user (admin)', response: 'User', errors: ['IDE-1003'],
  },
  {
    name: 'delete-user', method: 'DELETE', path: '/v1/users/{id}', operationId: 'deleteUser',
    summary: 'Erase a user: their MFA state, messages and personal data (admin)', response: 'UserErased', errors: ['IDE-1003'],
  },
];

/** Codes every MFA route can answer before or around its own decision. */
export const SHARED_ERRORS = {
  auth: ['IDE-0003', 'IDE-0008', 'IDE-0009', 'IDE-0013', 'IDE-1003', 'IDE-0006', 'IDE-0045'],
  // The user routes: an admin token or nothing.
  admin: ['IDE-0003', 'IDE-0008', 'IDE-0009', 'IDE-0910', 'IDE-0006'],
  body: ['IDE-0001', 'IDE-0004', 'IDE-0007'],
  mfaType: ['IDE-0044'],
};

const string = { type: 'string' };
const bool = { type: 'boolean' };
const mfaType = { type: 'string', enum: MFA_TYPES };
const codes = { type: 'array', items: string };
const object = (properties, required = Object.keys(properties)) => ({ type: 'object', additionalProperties: false, properties, required });

/** The JSON Schemas of responses (requests are written from FIELDS and OPERATIONS). */
export const RESPONSES = {
  MfaStatus: object({
    enabled: bool,
    preferredType: { type: 'string', enum: ['', ...MFA_TYPES] },
    methods: { type: 'array', items: mfaType },
    totpEnabled: bool,
    emailEnabled: bool,
    smsEnabled: bool,
    recoveryCodesRemaining: { type: 'integer', minimum: 0 },
    pending: { type: 'array', items: object({ mfaType, expiresAt: { type: 'string', format: 'date-time' }, verified: bool }) },
    lockedUntil: { type: ['string', 'null'], format: 'date-time' },
  }),
  MFASetupOutput: object({ secret: string, url: { type: 'string', format: 'uri' }, recoveryCodes: codes, mfaType, enabled: { const: false } }, ['recoveryCodes', 'mfaType', 'enabled']),
  MFAVerifyOutput: object({ verified: { const: true } }),
  MFAEnableOutput: object({ enabled: { const: true } }),
  MFAPreferredOutput: object({ preferredType: mfaType }),
  MFADisableOutput: object({ enabled: bool, methods: { type: 'array', items: mfaType } }),
  MFARecoveryCodesOutput: object({ recoveryCodes: codes }),
  MFAChallengeOutput: object({ mfaType, sent: bool, expiresAt: { type: ['string', 'null'], format: 'date-time' } }),
  MFACheckOutput: object({
    verified: { const: true },
    method: { type: 'string', enum: [...MFA_TYPES, 'recovery'] },
    recoveryCodesRemaining: { type: 'integer', minimum: 0 },
  }),
  User: object({
    id: { type: 'string', format: 'uuid' },
    username: string,
    email: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    created: { type: 'boolean', description: 'true when this request created the user' },
  }, ['id', 'username', 'email', 'phone']),
  UserErased: object({ id: { type: 'string', format: 'uuid' }, erased: { const: true } }),
};

/**
 * The error catalog. `id` is the core's enumerator. Upstream codes keep the
 * titles and messages Lerian publishes; IDE-09xx are this product's own.
 */
export const ERRORS = [
  { id: 'kMissingFields', code: 'IDE-0001', status: 400, title: 'Missing Fields in Request',
    message: 'Your request is missing one or more required fields.' },
  { id: 'kInvalidPathParameter', code: 'IDE-0003', status: 400, title: 'Invalid Path Parameter',
    message: 'The user ID in the path is not a valid UUID.' },
  { id: 'kUnexpectedFields', code: 'IDE-0004', status: 400, title: 'Unexpected Fields in the Request',
    message: 'The request body contains more fields than expected. Please send only the allowed fields.' },
  { id: 'kInternal', code: 'IDE-0006', status: 500, title: 'Internal Server Error',
    message: 'The server encountered an unexpected error. Please try again later.' },
  { id: 'kBadRequest', code: 'IDE-0007', status: 400, title: 'Bad Request',
    message: 'The server could not understand the request due to malformed syntax.' },
  { id: 'kTokenMissing', code: 'IDE-0008', status: 401, title: 'Token Missing',
    message: "The request has no bearer token. Send an Authorization header in the 'Bearer <token>' format." },
  { id: 'kInvalidToken', code: 'IDE-0009', status: 401, title: 'Invalid Token',
    message: 'The bearer token is invalid or has expired. Please sign in again.' },
  { id: 'kUserMismatch', code: 'IDE-0013', status: 403, title: 'User ID Does Not Match Token Owner',
    message: 'The user ID in the path does not match the owner of the token.' },
  { id: 'kAlreadyEnabled', code: 'IDE-0040', status: 400, title: 'MFA Already Enabled',
    message: 'MFA is already enabled for this user.' },
  { id: 'kSetupNotInitiated', code: 'IDE-0043', status: 400, title: 'MFA Setup Not Initiated',
    message: 'MFA setup has not been initiated for this user. Please call the setup endpoint first.' },
  { id: 'kInvalidType', code: 'IDE-0044', status: 400, title: 'MFA Invalid Type',
    message: 'The provided MFA type is invalid. Accepted values are app, email, and sms.' },
  { id: 'kOperationFailed', code: 'IDE-0045', status: 500, title: 'MFA Operation Failed',
    message: 'The MFA operation failed due to an unexpected error. Please try again later.' },
  { id: 'kUserNotFound', code: 'IDE-1003', status: 404, title: 'User ID Not Found',
    message: 'The provided user ID does not exist in our records.' },
  { id: 'kInvalidRecoveryCode', code: 'IDE-0901', status: 400, title: 'Invalid Recovery Code',
    message: 'The recovery code is not valid for this user.' },
  { id: 'kInvalidPasscode', code: 'IDE-0902', status: 400, title: 'Invalid MFA Passcode',
    message: 'The passcode is not valid. Please enter a current code and try again.' },
  { id: 'kPasscodeNotVerified', code: 'IDE-0903', status: 400, title: 'MFA Passcode Not Verified',
    message: 'The passcode for this MFA type has not been verified. Please call the verify endpoint first.' },
  { id: 'kSecretMismatch', code: 'IDE-0904', status: 400, title: 'MFA Secret Mismatch',
    message: 'The secret does not match the one issued at setup.' },
  { id: 'kTooManyAttempts', code: 'IDE-0905', status: 429, title: 'Too Many MFA Attempts',
    message: 'Too many MFA attempts. Please wait before trying again.' },
  { id: 'kNotEnabled', code: 'IDE-0906', status: 400, title: 'MFA Not Enabled',
    message: 'MFA of this type is not enabled for this user.' },
  { id: 'kChannelUnavailable', code: 'IDE-0907', status: 400, title: 'MFA Channel Unavailable',
    message: 'The user has no email address or phone number for this MFA type.' },
  { id: 'kRouteNotFound', code: 'IDE-0908', status: 404, title: 'Route Not Found',
    message: 'The requested route does not exist.' },
  { id: 'kStepUpRequired', code: 'IDE-0909', status: 401, title: 'MFA Step-Up Required',
    message: 'Confirm an enabled MFA method first: check one of its codes, then try again within 5 minutes.',
    // RFC 9470: the caller must come back with a fresh second factor.
    headers: { 'www-authenticate': 'Bearer error="insufficient_user_authentication", error_description="A recent second factor is required", max_age=300' } },
  { id: 'kAdminRequired', code: 'IDE-0910', status: 403, title: 'Admin Scope Required',
    message: 'This route needs a token with the admin scope.' },
];

/** What /openapi.json says of the product as a whole. */
export const API_INFO = {
  title: 'identity-mfa',
  description: 'MFA enrollment and sign-in checks, compatible with the Lerian Access Manager Identity API (MFA routes).',
  license: { name: 'MIT', identifier: 'MIT' },
};
