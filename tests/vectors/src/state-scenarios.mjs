// State-machine scenarios (docs/contract.md §2, §5), stated by hand. Inputs the
// core derives from random bytes (secrets, recovery codes, one-time codes)
// and TOTP passcodes come from ./reference.mjs, an independent
// implementation, so the vectors check the core rather than echo it.
import { catalogEntry } from '../../../js/catalog.js';
import * as ref from './reference.mjs';

const T0 = Date.UTC(2027, 0, 15, 8, 0, 10); // 10 s into a 30 s TOTP step
const MIN = 60_000;
export const ADA = { username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100' };
const NO_CHANNELS = { username: 'grace' };

const iso = (ms) => new Date(ms).toISOString();

function statusBody({ methods = [], preferred = '', remaining = 0, pending = [], lockedUntil = null } = {}) {
  return {
    enabled: methods.length > 0,
    preferredType: preferred,
    methods,
    totpEnabled: methods.includes('app'),
    emailEnabled: methods.includes('email'),
    smsEnabled: methods.includes('sms'),
    recoveryCodesRemaining: remaining,
    pending,
    lockedUntil,
  };
}

/** An expected error; `audit` and `stateChanged` default to none. */
export function err(code, { status, fields, retryAfter, audit = [], stateChanged = false } = {}) {
  const e = { status: status ?? catalogEntry(code).status, code, audit, stateChanged };
  if (fields) e.fields = fields;
  if (retryAfter !== undefined) e.retryAfter = retryAfter;
  return e;
}

class Scenario {
  constructor(name, { user = ADA, settings, state } = {}) {
    this.name = name;
    this.user = user;
    this.settings = settings;
    this.state = state;
    this.steps = [];
    this.now = T0;
    this.secret = undefined;   // the newest app secret issued
    this.codes = [];           // the newest recovery codes issued
    this.oneTimeCode = undefined;
  }

  tick(seconds) {
    this.now += seconds * 1000;
    return this;
  }

  totp(offset = 0, secret = this.secret) {
    const s = this.settings ?? {};
    return ref.totp(secret, this.now, { algorithm: s.algorithm, digits: s.digits, period: s.period, offset });
  }

  /** A well-formed passcode outside the accepted window. */
  wrongTotp() {
    const code = this.totp(7);
    if ([-1, 0, 1].some((o) => this.totp(o) === code)) throw new Error(`${this.name}: colliding codes`);
    return code;
  }

  push(op, body, expect, { admin, hostFails, random, stepUp } = {}) {
    const step = { op, now: this.now, expect };
    if (body !== undefined) step.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (random) step.randomHex = random.toString('hex');
    if (admin) step.admin = true;
    if (stepUp) step.stepUp = true;
    if (hostFails) step.hostFails = true;
    this.steps.push(step);
    return this;
  }

  /** `options.stepUp`: the token proves a recent second factor (a setup once a factor is enabled needs it). */
  setup(mfaType, expect, options = {}) {
    const random = ref.randomFor(`${this.name}/${this.steps.length}`);
    if (expect) return this.push('setup', { mfaType }, expect, { random, ...options });
    this.codes = ref.setupRecoveryCodes(random);
    const body = {};
    let outbound = null;
    if (mfaType === 'app') {
      this.secret = ref.setupSecret(random);
      const s = this.settings ?? {};
      body.secret = this.secret;
      body.url = ref.otpauthUrl({
        issuer: s.issuer ?? 'identity-mfa', account: this.user.username, secret: this.secret,
        algorithm: s.algorithm, digits: s.digits, period: s.period,
      });
    } else {
      this.oneTimeCode = ref.oneTimeCode(random);
      outbound = {
        channel: mfaType,
        to: mfaType === 'email' ? this.user.email : this.user.phone,
        text: `Your ${this.settings?.issuer ?? 'identity-mfa'} verification code is ${this.oneTimeCode}. It expires in 5 minutes.`,
      };
    }
    Object.assign(body, { recoveryCodes: this.codes, mfaType, enabled: false });
    return this.push('setup', { mfaType }, { status: 200, code: null, body, audit: ['setup'], stateChanged: true, outbound }, { random, ...options });
  }

  verify(mfaType, { passcode, secret } = {}, expect) {
    const body = { passcode: passcode ?? (mfaType === 'app' ? this.totp() : this.oneTimeCode), mfaType };
    if (mfaType === 'app') body.secret = secret ?? this.secret;
    if (expect) expect.audit = ['verify.failed', ...expect.audit];
    return this.push('verify', body, expect ?? { status: 200, code: null, body: { verified: true }, audit: ['verify.ok'], stateChanged: true });
  }

  enable(mfaType, { recoveryCode, secret } = {}, expect) {
    const body = { recoveryCode: recoveryCode ?? this.codes[0], mfaType };
    if (mfaType === 'app') body.secret = secret ?? this.secret;
    if (expect) expect.audit = ['enable.failed', ...expect.audit];
    return this.push('enable', body, expect ?? { status: 200, code: null, body: { enabled: true }, audit: ['enable.ok'], stateChanged: true });
  }

  disable(mfaType, credentials, expect, options) {
    if (expect?.code) expect.audit = ['disable.failed', ...expect.audit];
    return this.push('disable', { mfaType, ...credentials }, expect, options);
  }

  disabled(methods) {
    return { status: 200, code: null, body: { enabled: methods.length > 0, methods }, audit: ['disable'], stateChanged: true };
  }

  preferred(mfaType, extra, expect) {
    return this.push('preferred', { mfaType, ...extra }, expect);
  }

  regenerate(credentials, expect) {
    const random = ref.randomFor(`${this.name}/${this.steps.length}`);
    if (!expect) {
      this.codes = ref.setupRecoveryCodes(random);
      expect = { status: 200, code: null, body: { recoveryCodes: this.codes }, audit: ['regenerate'], stateChanged: true };
    } else if (expect.code) {
      expect.audit = ['regenerate.failed', ...expect.audit];
    }
    return this.push('recovery-codes', credentials, expect, { random });
  }

  /** A sign-in challenge; for email/SMS the code sent is remembered as loginCode. */
  challenge(mfaType, expect) {
    const random = ref.randomFor(`${this.name}/${this.steps.length}`);
    if (expect) return this.push('challenge', { mfaType }, expect, { random });
    if (mfaType === 'app') {
      const body = { mfaType, sent: false, expiresAt: null };
      return this.push('challenge', { mfaType }, { status: 200, code: null, body, audit: [], stateChanged: false, outbound: null }, { random });
    }
    this.loginCode = ref.oneTimeCode(random);
    const outbound = {
      channel: mfaType,
      to: mfaType === 'email' ? this.user.email : this.user.phone,
      text: `Your ${this.settings?.issuer ?? 'identity-mfa'} sign-in code is ${this.loginCode}. It expires in 5 minutes.`,
    };
    const body = { mfaType, sent: true, expiresAt: iso(this.now + 5 * MIN) };
    return this.push('challenge', { mfaType }, { status: 200, code: null, body, audit: ['challenge.sent'], stateChanged: true, outbound }, { random });
  }

  /** A sign-in check; without `expect`, a success by `method` leaving `remaining` recovery codes. */
  check(body, expect) {
    return this.push('check', body, expect);
  }

  checked(method, remaining) {
    return { status: 200, code: null, body: { verified: true, method, recoveryCodesRemaining: remaining }, audit: ['check.ok'], stateChanged: true };
  }

  status(shape, { stateChanged = false } = {}) {
    return this.push('status', undefined, { status: 200, code: null, body: statusBody(shape), audit: [], stateChanged });
  }

  /** Enrols `mfaType` end to end (`stepUp`: with a token that proves MFA, as a second factor needs). */
  enrol(mfaType, { stepUp } = {}) {
    return this.setup(mfaType, undefined, { stepUp }).tick(5).verify(mfaType).tick(5).enable(mfaType);
  }

  toJSON() {
    const out = { name: this.name, user: this.user, steps: this.steps };
    if (this.settings) out.settings = this.settings;
    if (this.state !== undefined) out.state = this.state;
    return out;
  }
}

const scenarios = [];
function scenario(name, options, build) {
  const s = new Scenario(name, options);
  build(s);
  scenarios.push(s.toJSON());
}

// ---- the enable flow ----
scenario('app: setup, verify, enable, status', {}, (s) => {
  s.setup('app').tick(5);
  s.status({ pending: [{ mfaType: 'app', expiresAt: iso(T0 + 10 * MIN), verified: false }] });
  s.verify('app');
  s.status({ pending: [{ mfaType: 'app', expiresAt: iso(T0 + 10 * MIN), verified: true }] });
  s.tick(5).enable('app');
  s.status({ methods: ['app'], preferred: 'app', remaining: 9 });
});
scenario('email: setup sends a code, verify, enable', {}, (s) => {
  s.enrol('email').status({ methods: ['email'], preferred: 'email', remaining: 9 });
});
scenario('sms: setup sends a code to the phone, verify, enable', {}, (s) => {
  s.enrol('sms').status({ methods: ['sms'], preferred: 'sms', remaining: 9 });
});
scenario('enable before verify is refused', {}, (s) => {
  s.setup('app').tick(5).enable('app', {}, err('IDE-0903'));
});
scenario('enable with no setup is refused', {}, (s) => {
  s.enable('email', { recoveryCode: 'AAAA-BBBB-CCCC' }, err('IDE-0043'));
});
scenario('verify with no setup is refused', {}, (s) => {
  s.verify('email', { passcode: '123456' }, err('IDE-0043'));
});
scenario('verify of another type than the one set up is refused', {}, (s) => {
  s.setup('app').tick(5).verify('email', { passcode: '123456' }, err('IDE-0043'));
});
scenario('enable after the pending setup expired is refused', {}, (s) => {
  s.setup('app').tick(60).verify('app').tick(9 * 60).enable('app', {}, err('IDE-0043'));
  s.status({});
});
scenario('verify after the pending setup expired is refused', {}, (s) => {
  s.setup('app').tick(10 * 60).verify('app', {}, err('IDE-0043'));
});
scenario('a custom pending lifetime applies', { settings: { pendingTtlMs: 2 * MIN } }, (s) => {
  s.setup('app').tick(60).verify('app').tick(61).enable('app', {}, err('IDE-0043'));
});
scenario('verify with a secret other than the pending one is refused', {}, (s) => {
  s.setup('app').tick(5).verify('app', { secret: 'JBSWY3DPEHPK3PXP' }, err('IDE-0904'));
});
scenario('enable with a secret other than the pending one is refused', {}, (s) => {
  s.setup('app').tick(5).verify('app').tick(5).enable('app', { secret: 'JBSWY3DPEHPK3PXP' }, err('IDE-0904'));
});
scenario('enable with a recovery code not in the set is refused and counted', {}, (s) => {
  s.setup('email').tick(5).verify('email').tick(5);
  s.enable('email', { recoveryCode: 'ZZZZ-ZZZZ-ZZZZ' }, err('IDE-0901', { stateChanged: true }));
  s.enable('email');
});
scenario('a second enable of an enabled type is refused', {}, (s) => {
  s.enrol('app').enable('app', { recoveryCode: s.codes[1] }, err('IDE-0040'));
});
scenario('setup of an enabled type is refused', {}, (s) => {
  s.enrol('email').setup('email', err('IDE-0040'));
});
scenario('email setup for a user without an email address is refused', { user: NO_CHANNELS }, (s) => {
  s.setup('email', err('IDE-0907')).setup('sms', err('IDE-0907'));
});
scenario('recovery codes are normalised: case, spaces and hyphens', {}, (s) => {
  s.setup('app').tick(5).verify('app').tick(5);
  s.enable('app', { recoveryCode: ` ${s.codes[3].toLowerCase().replace(/-/g, ' ')} ` });
  s.disable('app', { recoveryCode: s.codes[4].replace(/-/g, '') }, s.disabled([]));
});
scenario('a new setup replaces the pending one and voids its codes', {}, (s) => {
  s.setup('app');
  const first = { secret: s.secret, codes: s.codes };
  s.tick(5).setup('app').tick(5).verify('app');
  s.verify('app', { secret: first.secret, passcode: s.totp(0, first.secret) }, err('IDE-0904'));
  s.enable('app', { recoveryCode: first.codes[0] }, err('IDE-0901', { stateChanged: true }));
  s.enable('app');
});

// ---- TOTP: window, replay, parameters ----
scenario('TOTP accepts the previous, current and next step, each once', {}, (s) => {
  s.setup('app').tick(5);
  s.verify('app', { passcode: s.totp(-1) });
  s.verify('app', { passcode: s.totp(-1) }, err('IDE-0902', { stateChanged: true }));
  s.verify('app', { passcode: s.totp(0) });
  s.verify('app', { passcode: s.totp(1) });
  s.verify('app', { passcode: s.totp(0) }, err('IDE-0902', { stateChanged: true }));
});
scenario('TOTP refuses codes two steps away', {}, (s) => {
  s.setup('app').tick(5);
  s.verify('app', { passcode: s.totp(2) }, err('IDE-0902', { stateChanged: true }));
  s.verify('app', { passcode: s.totp(-2) }, err('IDE-0902', { stateChanged: true }));
});
scenario('a TOTP step accepted in verify is not accepted again in disable', {}, (s) => {
  s.setup('app').tick(5).verify('app');
  const used = s.totp(0);
  s.tick(5).enable('app');
  s.disable('app', { passcode: used }, err('IDE-0902', { stateChanged: true }));
  s.tick(30).disable('app', { passcode: s.totp(0) }, s.disabled([]));
});
scenario('an 8-digit passcode does not match a 6-digit factor', {}, (s) => {
  s.setup('app').tick(5).verify('app', { passcode: s.totp(0) + '00' }, err('IDE-0902', { stateChanged: true }));
});
scenario('SHA256, 8 digits, 60 s period from settings', { settings: { algorithm: 'SHA256', digits: 8, period: 60 } }, (s) => {
  s.setup('app').tick(5).verify('app').tick(5).enable('app');
});
scenario('SHA512 factor', { settings: { algorithm: 'SHA512', digits: 6, period: 30 } }, (s) => {
  s.setup('app').tick(5).verify('app');
});
scenario('issuer and account are percent-encoded in the otpauth URL',
  { user: { username: 'ada lovelace+mfa@example.com' }, settings: { issuer: 'Acme & Co: Identity' } }, (s) => {
    s.setup('app');
  });

// ---- email and SMS codes ----
scenario('an email code is single use', {}, (s) => {
  s.setup('email').tick(5).verify('email').verify('email', {}, err('IDE-0902', { stateChanged: true }));
});
scenario('an email code expires after 5 minutes', {}, (s) => {
  s.setup('email').tick(5 * 60).verify('email', {}, err('IDE-0902', { stateChanged: true }));
});
scenario('a new email setup within 30 s is refused with Retry-After', {}, (s) => {
  s.setup('email');
  const first = s.oneTimeCode;
  s.tick(10).setup('email', err('IDE-0905', { retryAfter: 20 }));
  s.tick(21).setup('email');
  s.verify('email', { passcode: first }, err('IDE-0902', { stateChanged: true }));
  s.verify('email');
});
scenario('a wrong email code is refused and counted', {}, (s) => {
  s.setup('sms').tick(5);
  const wrong = s.oneTimeCode === '000000' ? '111111' : '000000';
  s.verify('sms', { passcode: wrong }, err('IDE-0902', { stateChanged: true }));
  s.verify('sms');
});

// ---- lockout ----
scenario('five failed passcodes lock the user for 15 minutes', {}, (s) => {
  s.setup('app').tick(5);
  for (let i = 0; i < 4; i++) s.verify('app', { passcode: s.wrongTotp() }, err('IDE-0902', { stateChanged: true }));
  const lockedAt = s.now;
  s.verify('app', { passcode: s.wrongTotp() }, err('IDE-0905', { retryAfter: 900, audit: ['lock'], stateChanged: true }));
  s.tick(60).verify('app', {}, err('IDE-0905', { retryAfter: 840 }));
  s.status({ pending: [{ mfaType: 'app', expiresAt: iso(T0 + 10 * MIN), verified: false }], lockedUntil: iso(lockedAt + 15 * MIN) });
  s.tick(14 * 60).setup('app').tick(5).verify('app');
});
scenario('passcode and recovery-code failures share one counter', {}, (s) => {
  s.setup('email').tick(5).verify('email').tick(5);
  s.enable('email', { recoveryCode: 'WRONG-1' }, err('IDE-0901', { stateChanged: true }));
  s.enable('email', { recoveryCode: 'WRONG-2' }, err('IDE-0901', { stateChanged: true }));
  s.verify('email', { passcode: '99999999' }, err('IDE-0902', { stateChanged: true }));
  s.enable('email', { recoveryCode: 'WRONG-3' }, err('IDE-0901', { stateChanged: true }));
  s.enable('email', { recoveryCode: 'WRONG-4' }, err('IDE-0905', { retryAfter: 900, audit: ['lock'], stateChanged: true }));
  s.tick(1).enable('email', {}, err('IDE-0905', { retryAfter: 899 }));
});
scenario('a success resets the failure counter', {}, (s) => {
  s.setup('app').tick(5);
  for (let i = 0; i < 4; i++) s.verify('app', { passcode: s.wrongTotp() }, err('IDE-0902', { stateChanged: true }));
  s.verify('app');
  for (let i = 0; i < 4; i++) s.verify('app', { passcode: s.wrongTotp() }, err('IDE-0902', { stateChanged: true }));
  s.tick(30).verify('app');
});
scenario('a locked user can still start a setup', {}, (s) => {
  s.setup('sms').tick(5);
  for (let i = 0; i < 4; i++) s.verify('sms', { passcode: '1234567' }, err('IDE-0902', { stateChanged: true }));
  s.verify('sms', { passcode: '1234567' }, err('IDE-0905', { retryAfter: 900, audit: ['lock'], stateChanged: true }));
  s.tick(30).setup('app').tick(5).verify('app', {}, err('IDE-0905', { retryAfter: 865 }));
});

// ---- disable, preferred, regenerate ----
scenario('disable by recovery code consumes it', {}, (s) => {
  s.enrol('app');
  s.disable('app', { recoveryCode: s.codes[0] }, err('IDE-0901', { stateChanged: true }));
  s.disable('app', { recoveryCode: s.codes[1] }, s.disabled([]));
  s.status({});
});
scenario('an admin may disable without a credential', {}, (s) => {
  s.enrol('sms').disable('sms', {}, s.disabled([]), { admin: true });
});
scenario('an admin may disable a locked user without a credential', {}, (s) => {
  s.enrol('email');
  for (let i = 0; i < 4; i++) s.disable('email', { recoveryCode: `BAD-${i}` }, err('IDE-0901', { stateChanged: true }));
  s.disable('email', { recoveryCode: 'BAD-4' }, err('IDE-0905', { retryAfter: 900, audit: ['lock'], stateChanged: true }));
  s.disable('email', { recoveryCode: s.codes[1] }, err('IDE-0905', { retryAfter: 900 }));
  s.disable('email', {}, s.disabled([]), { admin: true });
});
scenario('disable without a credential needs an admin', {}, (s) => {
  s.enrol('email').disable('email', {}, err('IDE-0001', {
    fields: { passcode: 'send one of passcode and recoveryCode', recoveryCode: 'send one of passcode and recoveryCode' },
  }));
});
scenario('disable of a type that is not enabled is refused', {}, (s) => {
  s.enrol('email').disable('sms', { recoveryCode: s.codes[1] }, err('IDE-0906'));
});
scenario('two factors: preferred stays, the newest codes rule, disable moves preferred', {}, (s) => {
  s.enrol('app');
  const appCodes = s.codes;
  s.tick(30).enrol('email', { stepUp: true });
  s.status({ methods: ['app', 'email'], preferred: 'app', remaining: 9 });
  s.disable('app', { recoveryCode: appCodes[1] }, err('IDE-0901', { stateChanged: true }));
  s.tick(30).disable('app', { passcode: s.totp(0) }, s.disabled(['email']));
  s.status({ methods: ['email'], preferred: 'email', remaining: 9 });
});
scenario('preferred type: set, refused when not enabled, secret checked', {}, (s) => {
  s.enrol('app').tick(30).enrol('sms', { stepUp: true });
  s.preferred('sms', {}, { status: 200, code: null, body: { preferredType: 'sms' }, audit: [], stateChanged: true });
  s.preferred('sms', {}, { status: 200, code: null, body: { preferredType: 'sms' }, audit: [], stateChanged: false });
  s.preferred('email', {}, err('IDE-0906'));
  s.preferred('app', { secret: 'JBSWY3DPEHPK3PXP' }, err('IDE-0904'));
  s.preferred('app', { secret: s.secret }, { status: 200, code: null, body: { preferredType: 'app' }, audit: [], stateChanged: true });
});
scenario('regenerate by recovery code voids the old set', {}, (s) => {
  s.enrol('email');
  const old = s.codes;
  s.regenerate({ recoveryCode: old[5] });
  s.status({ methods: ['email'], preferred: 'email', remaining: 10 });
  s.disable('email', { recoveryCode: old[6] }, err('IDE-0901', { stateChanged: true }));
  s.disable('email', { recoveryCode: s.codes[9] }, s.disabled([]));
});
scenario('regenerate by passcode claims the TOTP step', {}, (s) => {
  s.enrol('app').tick(30);
  const code = s.totp(0);
  s.regenerate({ passcode: code });
  s.regenerate({ passcode: code }, err('IDE-0902', { stateChanged: true }));
});
scenario('regenerate with nothing enabled is refused', {}, (s) => {
  s.regenerate({ recoveryCode: 'AAAA-BBBB-CCCC' }, err('IDE-0906'));
});
scenario('regenerate by passcode needs the app factor', {}, (s) => {
  s.enrol('email').regenerate({ passcode: '123456' }, err('IDE-0906'));
});
scenario('regenerate with a wrong recovery code is refused and counted', {}, (s) => {
  s.enrol('sms').regenerate({ recoveryCode: 'NOPE-NOPE-NOPE' }, err('IDE-0901', { stateChanged: true }));
});

// ---- sign-in: challenge and check ----
const checkFailed = (code, extra = {}) => err(code, { stateChanged: true, ...extra, audit: ['check.failed', ...(extra.audit ?? [])] });
const lockedAt = () => checkFailed('IDE-0905', { retryAfter: 900, audit: ['lock'] });

scenario('check: an app passcode after enable', {}, (s) => {
  s.enrol('app').tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  s.status({ methods: ['app'], preferred: 'app', remaining: 9 });
});
scenario('check: the TOTP step accepted at verify is refused at check', {}, (s) => {
  s.setup('app').tick(1);
  const code = s.totp();
  s.verify('app', { passcode: code }).tick(1).enable('app');
  s.check({ mfaType: 'app', passcode: code }, checkFailed('IDE-0902'));
  s.tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
});
scenario('check: a TOTP step accepted at check is refused at check again', {}, (s) => {
  s.enrol('app').tick(30);
  const code = s.totp();
  s.check({ mfaType: 'app', passcode: code }, s.checked('app', 9));
  s.check({ mfaType: 'app', passcode: code }, checkFailed('IDE-0902'));
});
scenario('check: a TOTP step accepted at check is refused at disable', {}, (s) => {
  s.enrol('app').tick(30);
  const code = s.totp();
  s.check({ mfaType: 'app', passcode: code }, s.checked('app', 9));
  s.disable('app', { passcode: code }, err('IDE-0902', { stateChanged: true }));
});
scenario('check: a TOTP step accepted at disable cannot be checked (the factor is gone)', {}, (s) => {
  s.enrol('app').tick(30);
  const code = s.totp();
  s.disable('app', { passcode: code }, s.disabled([]));
  s.check({ mfaType: 'app', passcode: code }, err('IDE-0906', { audit: ['check.failed'] }));
});
scenario('check: a TOTP step accepted at regenerate is refused at check', {}, (s) => {
  s.enrol('app').tick(30);
  const code = s.totp();
  s.regenerate({ passcode: code });
  s.check({ mfaType: 'app', passcode: code }, checkFailed('IDE-0902'));
});
scenario('check: the previous, current and next steps, each once, in order', {}, (s) => {
  s.enrol('app').tick(60);
  s.check({ mfaType: 'app', passcode: s.totp(-1) }, s.checked('app', 9));
  s.check({ mfaType: 'app', passcode: s.totp(0) }, s.checked('app', 9));
  s.check({ mfaType: 'app', passcode: s.totp(1) }, s.checked('app', 9));
  s.check({ mfaType: 'app', passcode: s.totp(0) }, checkFailed('IDE-0902'));
});
scenario('check: codes two steps away are refused', {}, (s) => {
  s.enrol('app').tick(90);
  s.check({ mfaType: 'app', passcode: s.totp(2) }, checkFailed('IDE-0902'));
  s.check({ mfaType: 'app', passcode: s.totp(-2) }, checkFailed('IDE-0902'));
});
scenario('check: a code of another secret is refused', {}, (s) => {
  s.enrol('app').tick(30);
  s.check({ mfaType: 'app', passcode: s.totp(0, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP') }, checkFailed('IDE-0902'));
});
scenario('check: an 8-digit SHA256 factor', { settings: { algorithm: 'SHA256', digits: 8, period: 60 } }, (s) => {
  s.enrol('app').tick(60);
  s.check({ mfaType: 'app', passcode: s.totp().slice(0, 6) }, checkFailed('IDE-0902'));
  s.check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
});
scenario('challenge: app sends nothing and changes nothing', {}, (s) => {
  s.enrol('app').challenge('app');
});
scenario('challenge: email sends a sign-in code; check consumes it once', {}, (s) => {
  s.enrol('email').tick(60).challenge('email').tick(20);
  s.check({ mfaType: 'email', passcode: s.loginCode }, s.checked('email', 9));
  s.check({ mfaType: 'email', passcode: s.loginCode }, checkFailed('IDE-0902'));
});
scenario('challenge: sms sends a sign-in code to the phone', {}, (s) => {
  s.enrol('sms').tick(60).challenge('sms').tick(1);
  s.check({ mfaType: 'sms', passcode: s.loginCode }, s.checked('sms', 9));
});
scenario('challenge: a new challenge voids the previous code', {}, (s) => {
  s.enrol('email').tick(60).challenge('email');
  const first = s.loginCode;
  s.tick(30).challenge('email');
  s.check({ mfaType: 'email', passcode: first }, checkFailed('IDE-0902'));
  s.check({ mfaType: 'email', passcode: s.loginCode }, s.checked('email', 9));
});
scenario('challenge: another within 30 s is throttled, at 30 s it is sent', {}, (s) => {
  s.enrol('sms').tick(60).challenge('sms');
  s.tick(10).challenge('sms', err('IDE-0905', { retryAfter: 20 }));
  s.tick(19).challenge('sms', err('IDE-0905', { retryAfter: 1 }));
  s.tick(1).challenge('sms');
});
scenario('challenge: the enrollment code sent at setup does not throttle sign-in', {}, (s) => {
  s.setup('email').tick(1).verify('email').tick(1).enable('email').challenge('email');
});
scenario('check: a sign-in code holds until 5 minutes after it was sent, not at 5 minutes', {}, (s) => {
  s.enrol('email').tick(60).challenge('email').tick(300);
  s.check({ mfaType: 'email', passcode: s.loginCode }, checkFailed('IDE-0902'));
});
scenario('check: a sign-in code one second before it expires is accepted', {}, (s) => {
  s.enrol('sms').tick(60).challenge('sms').tick(299);
  s.check({ mfaType: 'sms', passcode: s.loginCode }, s.checked('sms', 9));
});
scenario('check: the code used at verify is not a sign-in code', {}, (s) => {
  s.setup('email').tick(1);
  const code = s.oneTimeCode;
  s.verify('email').tick(1).enable('email');
  s.check({ mfaType: 'email', passcode: code }, checkFailed('IDE-0902'));
});
scenario('check: an email passcode with no challenge outstanding is refused and counted', {}, (s) => {
  s.enrol('email').check({ mfaType: 'email', passcode: '000000' }, checkFailed('IDE-0902'));
});
scenario('challenge: a type that is not enabled', {}, (s) => {
  s.challenge('email', err('IDE-0906'));
  s.enrol('app').challenge('sms', err('IDE-0906'));
});
scenario('challenge: a user who lost their phone number', { user: NO_CHANNELS, state: '{"v":1,"factors":{"sms":{}},"recoveryCodes":[]}' }, (s) => {
  s.challenge('sms', err('IDE-0907'));
});
scenario('check: with no factor enabled, a recovery code or a passcode', {}, (s) => {
  s.check({ recoveryCode: 'AAAA-BBBB-CCCC' }, err('IDE-0906', { audit: ['check.failed'] }));
  s.check({ mfaType: 'app', passcode: '123456' }, err('IDE-0906', { audit: ['check.failed'] }));
});
scenario('check: a passcode for a type that is not enabled', {}, (s) => {
  s.enrol('email').check({ mfaType: 'app', passcode: '123456' }, err('IDE-0906', { audit: ['check.failed'] }));
  s.check({ mfaType: 'sms', recoveryCode: s.codes[1] }, err('IDE-0906', { audit: ['check.failed'] }));
  s.check({ mfaType: 'email', recoveryCode: s.codes[1] }, s.checked('recovery', 8));
});
scenario('check: a recovery code is consumed; its reuse is refused', {}, (s) => {
  s.enrol('app').check({ recoveryCode: s.codes[1] }, s.checked('recovery', 8));
  s.check({ recoveryCode: s.codes[1] }, checkFailed('IDE-0901'));
  s.status({ methods: ['app'], preferred: 'app', remaining: 8 });
});
scenario('check: recovery codes are normalised', {}, (s) => {
  s.enrol('sms').check({ recoveryCode: ` ${s.codes[2].toLowerCase().replace(/-/g, ' ')} ` }, s.checked('recovery', 8));
});
scenario('check: the code typed at enable is already used', {}, (s) => {
  s.enrol('email').check({ recoveryCode: s.codes[0] }, checkFailed('IDE-0901'));
});
scenario('check: recovery codes run out', {}, (s) => {
  s.enrol('app');
  for (let i = 1; i <= 9; i++) s.tick(1).check({ recoveryCode: s.codes[i] }, s.checked('recovery', 9 - i));
  s.status({ methods: ['app'], preferred: 'app', remaining: 0 });
  s.check({ recoveryCode: s.codes[9] }, checkFailed('IDE-0901'));
  s.tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 0));
});
scenario('check: a recovery code used at check is refused at disable', {}, (s) => {
  s.enrol('email').check({ recoveryCode: s.codes[3] }, s.checked('recovery', 8));
  s.disable('email', { recoveryCode: s.codes[3] }, err('IDE-0901', { stateChanged: true }));
});
scenario('check: after a regenerate only the new set works', {}, (s) => {
  s.enrol('sms');
  const old = s.codes;
  s.regenerate({ recoveryCode: old[2] });
  s.check({ recoveryCode: old[3] }, checkFailed('IDE-0901'));
  s.check({ recoveryCode: s.codes[0] }, s.checked('recovery', 9));
});
scenario('check: five failures lock the user; the lock answers every route', {}, (s) => {
  s.enrol('email').tick(60).challenge('email');
  for (let i = 0; i < 4; i++) s.check({ mfaType: 'email', passcode: '00000' + i }, checkFailed('IDE-0902'));
  s.check({ recoveryCode: 'NOPE-NOPE-NOPE' }, lockedAt());
  s.tick(1).check({ mfaType: 'email', passcode: s.loginCode }, err('IDE-0905', { retryAfter: 899, audit: ['check.failed'] }));
  s.regenerate({ recoveryCode: s.codes[1] }, err('IDE-0905', { retryAfter: 899 }));
  s.challenge('email', err('IDE-0905', { retryAfter: 899 }));
  s.tick(899).challenge('email');
  s.check({ mfaType: 'email', passcode: s.loginCode }, s.checked('email', 9));
});
scenario('check: failures at check and at disable share one counter', {}, (s) => {
  s.enrol('app').tick(30);
  s.check({ recoveryCode: 'BAD-1' }, checkFailed('IDE-0901'));
  s.disable('app', { recoveryCode: 'BAD-2' }, err('IDE-0901', { stateChanged: true }));
  s.check({ mfaType: 'app', passcode: s.wrongTotp() }, checkFailed('IDE-0902'));
  s.regenerate({ recoveryCode: 'BAD-3' }, err('IDE-0901', { stateChanged: true }));
  s.check({ mfaType: 'app', passcode: s.wrongTotp() }, lockedAt());
  s.disable('app', { passcode: s.totp() }, err('IDE-0905', { retryAfter: 900 }));
});
scenario('check: a lock taken at verify holds at check', {}, (s) => {
  s.enrol('app').tick(30).setup('email', undefined, { stepUp: true }).tick(1);
  for (let i = 0; i < 4; i++) s.verify('email', { passcode: '99999' + i }, err('IDE-0902', { stateChanged: true }));
  s.verify('email', { passcode: '999994' }, err('IDE-0905', { retryAfter: 900, audit: ['lock'], stateChanged: true }));
  s.check({ mfaType: 'app', passcode: s.totp() }, err('IDE-0905', { retryAfter: 900, audit: ['check.failed'] }));
  s.tick(900).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
});
scenario('check: a success resets the counter', {}, (s) => {
  s.enrol('app').tick(30);
  for (let i = 0; i < 4; i++) s.check({ mfaType: 'app', passcode: s.wrongTotp() }, checkFailed('IDE-0902'));
  s.check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  for (let i = 0; i < 4; i++) s.check({ recoveryCode: `BAD-${i}` }, checkFailed('IDE-0901'));
  s.check({ recoveryCode: s.codes[5] }, s.checked('recovery', 8));
});
scenario('check: disabling the email factor voids its outstanding sign-in code', {}, (s) => {
  s.enrol('email').tick(60).challenge('email');
  s.disable('email', {}, s.disabled([]), { admin: true });
  s.check({ mfaType: 'email', passcode: s.loginCode }, err('IDE-0906', { audit: ['check.failed'] }));
});
scenario('check: an admin checks like anyone: a wrong code still counts', {}, (s) => {
  s.enrol('app').tick(30);
  s.push('check', { mfaType: 'app', passcode: s.wrongTotp() }, checkFailed('IDE-0902'), { admin: true });
});
scenario('check: a failing host HMAC fails the check and changes nothing', {}, (s) => {
  s.enrol('email');
  s.push('check', { recoveryCode: s.codes[1] }, err('IDE-0045'), { hostFails: true });
  s.check({ recoveryCode: s.codes[1] }, s.checked('recovery', 8));
});
scenario('challenge: without enough random bytes fails the operation', {}, (s) => {
  s.enrol('email').tick(60).push('challenge', { mfaType: 'email' }, err('IDE-0045'));
});

// ---- step-up: a second factor needs proof of the first ----
const stepUpRequired = () => err('IDE-0909', { audit: ['setup.refused'] });
scenario('step-up: with a factor enabled, setup of another needs step-up', {}, (s) => {
  s.enrol('email').tick(60);
  s.setup('app', stepUpRequired()).setup('sms', stepUpRequired());
  s.status({ methods: ['email'], preferred: 'email', remaining: 9 });
});
scenario('step-up: a type already enabled answers IDE-0040 before step-up', {}, (s) => {
  s.enrol('app').setup('app', err('IDE-0040'));
});
scenario('step-up: a check by TOTP opens setup for 5 minutes, not at 5 minutes', {}, (s) => {
  s.enrol('app').tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  s.tick(299).setup('email');
  s.tick(1).setup('sms', stepUpRequired());
});
scenario('step-up: a check by recovery code counts', {}, (s) => {
  s.enrol('sms').check({ recoveryCode: s.codes[4] }, s.checked('recovery', 8)).tick(10).setup('app');
});
scenario('step-up: a check by sign-in code counts', {}, (s) => {
  s.enrol('email').tick(60).challenge('email').tick(10);
  s.check({ mfaType: 'email', passcode: s.loginCode }, s.checked('email', 9)).setup('app');
});
scenario('step-up: a failed check does not count', {}, (s) => {
  s.enrol('app').tick(30).check({ mfaType: 'app', passcode: s.wrongTotp() }, checkFailed('IDE-0902'));
  s.setup('email', stepUpRequired());
});
scenario('step-up: a token that proves MFA is step-up', {}, (s) => {
  s.enrol('app').tick(60).setup('sms', undefined, { stepUp: true });
});
scenario('step-up: an admin needs none (a reset)', {}, (s) => {
  s.enrol('app').tick(60).setup('email', undefined, { admin: true });
});
scenario('step-up: a second factor enrolled with step-up ends with both and the newest codes', {}, (s) => {
  s.enrol('app').tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  s.tick(5).setup('email').tick(5).verify('email').tick(5).enable('email');
  s.status({ methods: ['app', 'email'], preferred: 'app', remaining: 9 });
});
scenario('step-up: the first enable voids setups of other types started before it', {}, (s) => {
  s.setup('app');
  const planted = { secret: s.secret, codes: s.codes };
  s.tick(5).setup('email').tick(5).verify('email').tick(5).enable('email');
  s.verify('app', { secret: planted.secret, passcode: s.totp(0, planted.secret) }, err('IDE-0043'));
  s.enable('app', { secret: planted.secret, recoveryCode: planted.codes[0] }, err('IDE-0043'));
  s.status({ methods: ['email'], preferred: 'email', remaining: 9 });
});
scenario('step-up: the step-up window survives a failed attempt in between', {}, (s) => {
  s.enrol('email').check({ recoveryCode: s.codes[2] }, s.checked('recovery', 8));
  s.tick(10).check({ recoveryCode: 'WRONG-CODE-1' }, checkFailed('IDE-0901'));
  s.tick(10).setup('app');
});

// ---- a wall clock that jumped: stored times from the future ----
const HOUR = 3600;
scenario('clock: a lock taken while the clock ran an hour fast lasts 15 minutes from the correction', {}, (s) => {
  s.enrol('app').tick(HOUR);
  for (let i = 0; i < 4; i++) s.check({ recoveryCode: `WRONG-${i}` }, checkFailed('IDE-0901'));
  s.check({ recoveryCode: 'WRONG-4' }, lockedAt());
  s.tick(-HOUR).tick(60);
  const enabled = { methods: ['app'], preferred: 'app', remaining: 9 };
  // Without the clamp: 59 minutes more. With it: 15 minutes from now, and stored so.
  s.status({ ...enabled, lockedUntil: iso(s.now + 15 * MIN) }, { stateChanged: true });
  s.tick(899).status({ ...enabled, lockedUntil: iso(s.now + 1000) });
  s.tick(1).status(enabled);
});
scenario('clock: a TOTP step accepted an hour ahead blocks codes for two steps after the correction, not an hour', {}, (s) => {
  s.enrol('app').tick(HOUR).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  s.tick(-HOUR);
  // The stored step comes down to the top of the window (step T+1): the
  // codes of T and T+1 count as used...
  s.check({ mfaType: 'app', passcode: s.totp() }, checkFailed('IDE-0902'));
  s.check({ mfaType: 'app', passcode: s.totp(1) }, checkFailed('IDE-0902'));
  // ...and the phone's code works again two steps on.
  s.tick(30).check({ mfaType: 'app', passcode: s.totp() }, checkFailed('IDE-0902'));
  s.tick(30).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
});
scenario('clock: the next-step code accepted under a correct clock is not accepted again', {}, (s) => {
  s.enrol('app').tick(30);
  const next = s.totp(1);
  s.check({ mfaType: 'app', passcode: next }, s.checked('app', 9));
  s.check({ mfaType: 'app', passcode: next }, checkFailed('IDE-0902'));
});
scenario('clock: a sign-in code sent while the clock ran 40 minutes fast is void after the correction', {}, (s) => {
  s.enrol('email').tick(40 * 60).challenge('email').tick(-40 * 60).tick(60);
  s.check({ mfaType: 'email', passcode: s.loginCode }, checkFailed('IDE-0902'));
  // Its throttle runs from the correction: at most 30 s.
  s.challenge('email', err('IDE-0905', { retryAfter: 30 }));
  s.tick(30).challenge('email').tick(1);
  s.check({ mfaType: 'email', passcode: s.loginCode }, s.checked('email', 9));
});
scenario('clock: an enrollment code from a fast clock is void; the enrollment lives 10 minutes from the correction', {}, (s) => {
  s.tick(HOUR).setup('sms').tick(-HOUR);
  s.status({ pending: [{ mfaType: 'sms', expiresAt: iso(s.now + 10 * MIN), verified: false }] }, { stateChanged: true });
  s.verify('sms', {}, err('IDE-0902', { stateChanged: true }));
  s.tick(30).setup('sms').tick(1).verify('sms');
});
scenario('clock: two clocks 20 s apart are a skew, not a jump: the code holds', {}, (s) => {
  s.enrol('sms').tick(60).tick(20).challenge('sms').tick(-20);
  s.check({ mfaType: 'sms', passcode: s.loginCode }, s.checked('sms', 9));
});
scenario('clock: a check from a fast clock is no step-up after the correction', {}, (s) => {
  s.enrol('app').tick(HOUR).check({ mfaType: 'app', passcode: s.totp() }, s.checked('app', 9));
  s.tick(-HOUR).setup('email', err('IDE-0909', { audit: ['setup.refused'], stateChanged: true }));
});

// ---- requests the core refuses before the state ----
scenario('an unknown user is 404 for every operation', { user: null }, (s) => {
  s.push('status', undefined, err('IDE-1003'));
  s.push('enable', { recoveryCode: 'R', mfaType: 'email' }, err('IDE-1003'));
  s.push('setup', { mfaType: 'app' }, err('IDE-1003'));
});
scenario('validation comes before the user lookup', { user: null }, (s) => {
  s.push('enable', '{"recoveryCode":"R"}', err('IDE-0001', { fields: { mfaType: 'required' } }));
});
scenario('a malformed body answers from the catalog through decide', {}, (s) => {
  s.push('enable', '{"recoveryCode":"R","mfaType":"email","x":1}', err('IDE-0004', { fields: { x: 'unexpected field' } }));
  s.push('enable', '{"recoveryCode":"R","mfaType":"push"}', err('IDE-0044'));
  s.push('verify', '{"passcode":"12","mfaType":"app"', err('IDE-0007'));
  s.push('setup', '{"mfaType":"app"}' + ' '.repeat(16384), err('IDE-0007', { status: 413 }));
});
scenario('a custom body limit applies', { settings: { bodyLimit: 20 } }, (s) => {
  s.push('setup', '{"mfaType":"email"}  ', err('IDE-0007', { status: 413 }));
});
scenario('a stored state that is not JSON fails the operation', { state: 'not json' }, (s) => {
  s.push('status', undefined, err('IDE-0045'));
});
scenario('a stored state of an unknown version fails the operation', { state: '{"v":2}' }, (s) => {
  s.push('enable', { recoveryCode: 'R', mfaType: 'email' }, err('IDE-0045'));
});
scenario('a stored state with a bad field fails the operation', { state: '{"v":1,"factors":{"app":{"digits":"six"}}}' }, (s) => {
  s.push('status', undefined, err('IDE-0045'));
});
scenario('TOTP settings outside their range fail the operation', { settings: { digits: 12 } }, (s) => {
  s.push('setup', { mfaType: 'app' }, err('IDE-0045'), { random: Buffer.alloc(128, 7) });
});
scenario('setup without enough random bytes fails the operation', {}, (s) => {
  s.push('setup', { mfaType: 'app' }, err('IDE-0045'));
});
scenario('a failing host HMAC fails the operation and changes nothing', {}, (s) => {
  s.setup('email').tick(5).verify('email').tick(5);
  s.push('enable', { recoveryCode: s.codes[0], mfaType: 'email' }, err('IDE-0045'), { hostFails: true });
  s.enable('email');
});

export const stateScenarios = scenarios;
