// The ergonomic API over one instance of the wasm module.
import { catalog, errorBody } from './catalog.js';
import { AUDIT_EVENTS, DEFAULT_BODY_LIMIT, FIELDS, MFA_TYPES, OPERATIONS, RANDOM_OPERATIONS, REASONS, ROUTES, TOTP } from './contract.js';
import { createStringReader, writeBody, isBody, utf8Bound } from './strings.js';

// The validation buffer lives in wasm memory: keep it to what a request can be.
const MAX_BODY_LIMIT = 64 * 1024 * 1024;
const REASON_MARK = 0xffffffff; // bindings/embind.cpp kReasonMark

/** "recovery-codes" → "validateRecoveryCodesRequest". */
export const validatorName = (route) => `validate${route.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase())}Request`;

// Field names come from the request: "__proto__" must become an own
// property, not reach the prototype setter. Plain assignment is kept for all
// other names because defineProperty is several times slower.
function setOwn(object, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

function makeValidate(module) {
  let capacity = 0;
  let inputPtr = 0;
  const readString = createStringReader(module, 'utf8');
  const readLatin1 = createStringReader(module, 'latin1');

  function validateAt(routeIndex, body, options) {
    const bodyLimit = options?.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!isBody(body)) throw new TypeError('body must be a string, Uint8Array, Buffer or ArrayBuffer');
    if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 0 || bodyLimit > MAX_BODY_LIMIT) {
      throw new TypeError(`bodyLimit must be an integer from 0 to ${MAX_BODY_LIMIT}`);
    }
    if (capacity < bodyLimit) {
      inputPtr = module._identity_mfa_input_buffer(bodyLimit) >>> 0;
      capacity = bodyLimit;
    }
    const length = writeBody(module.HEAPU8, inputPtr, capacity, body);
    const at = module._identity_mfa_validate_input(routeIndex, length, bodyLimit) >>> 2;
    // Read views after the call: validation may have grown wasm memory.
    const words = module.HEAPU32;
    const error = words[at];
    const count = words[at + 2];
    const entries = count === 0 ? undefined : {};
    let text = '';
    if (words[at + 3] === 1) {
      // Values are plain-ASCII slices of the body: of the string itself when
      // it is all ASCII (as many bytes as UTF-16 units), else of its bytes.
      text = typeof body === 'string' && length === body.length ? body : readLatin1(inputPtr, length);
    } else if (words[at + 5] > 0) {
      text = readString(words[at + 4], words[at + 5]);
    }
    for (let i = 0, p = at + 6; i < count; i++, p += 5) {
      const field = words[p] | 0;
      const name = field >= 0 ? FIELDS[field] : text.substr(words[p + 1], words[p + 2]);
      const value = words[p + 4] === REASON_MARK ? REASONS[words[p + 3]] : text.substr(words[p + 3], words[p + 4]);
      setOwn(entries, name, value);
    }
    if (error === 0) return { ok: true, value: entries ?? {} };
    return { ok: false, status: words[at + 1], error: errorBody(catalog[error - 1].code, entries) };
  }

  function validateRequest(route, body, options) {
    const routeIndex = ROUTES.indexOf(route);
    if (routeIndex < 0) throw new TypeError(`unknown route: ${route}`);
    return validateAt(routeIndex, body, options);
  }
  // A validator bound to one route, without the route lookup per call.
  function forRoute(route) {
    const routeIndex = ROUTES.indexOf(route);
    return (body, options) => validateAt(routeIndex, body, options);
  }
  return { validateRequest, forRoute };
}

function checkDecisionInput(input) {
  const { body, state, now, random, user } = input;
  if (body !== undefined && !isBody(body)) throw new TypeError('input.body must be a string, Uint8Array or ArrayBuffer');
  if (state !== undefined && typeof state !== 'string') throw new TypeError('input.state must be a string');
  if (now !== undefined && !Number.isSafeInteger(now)) throw new TypeError('input.now must be an integer (Unix ms)');
  if (random !== undefined && !(random instanceof Uint8Array)) throw new TypeError('input.random must be a Uint8Array');
  if (user !== undefined && user !== null && typeof user !== 'object') throw new TypeError('input.user must be an object or null');
}

// Wraps a user's host so that nothing it throws crosses into wasm: a throw
// becomes null, which the core answers with IDE-0045, and its message is
// kept for the decision's `hostError` (for the caller's logs). One wrapper
// per host, made once.
const guarded = new WeakMap();
let hostError = null;
function guardHost(host) {
  let wrapper = guarded.get(host);
  if (wrapper) return wrapper;
  const guard = (name) => (...args) => {
    try {
      const out = host[name](...args);
      if (out instanceof Uint8Array) return out;
      hostError ??= `host.${name}() returned no bytes`;
    } catch (error) {
      hostError ??= `host.${name}(): ${error?.message ?? error}`;
    }
    return null;
  };
  wrapper = { hmac: guard('hmac'), pepperedHash: guard('pepperedHash'), seals: false };
  if (typeof host.seal === 'function' && typeof host.open === 'function') {
    Object.assign(wrapper, { seal: guard('seal'), open: guard('open'), seals: true });
  }
  guarded.set(host, Object.freeze(wrapper));
  return wrapper;
}

function checkHost(host) {
  if (!host || typeof host.hmac !== 'function' || typeof host.pepperedHash !== 'function') {
    throw new TypeError('decide() needs a host with hmac() and pepperedHash() (see identity-mfa/node)');
  }
}

// The core calls its host through one function (bindings/embind.cpp,
// identity_mfa_host_call): kind 0-2 an HMAC, 3 the peppered hash, 4 seal,
// 5 open. The answer goes to wasm memory at `out`; its length comes back.
const HMAC_ALGORITHMS = TOTP.algorithms;
function connectHost(module) {
  let current = null;
  module.identityMfaHost = (kind, a, aLength, b, bLength, out, capacity) => {
    const heap = module.HEAPU8;
    const first = heap.subarray(a, a + aLength);
    const second = heap.subarray(b, b + bLength);
    let bytes;
    if (kind < 3) bytes = current.hmac(HMAC_ALGORITHMS[kind], first, second);
    else if (kind === 3) bytes = current.pepperedHash(first);
    else if (kind === 4) bytes = current.seal?.(first, second);
    else bytes = current.open?.(first, second);
    if (!(bytes instanceof Uint8Array) || bytes.length > capacity) return -1;
    module.HEAPU8.set(bytes, out); // after the call: a host cannot grow wasm memory, but read afresh
    return bytes.length;
  };
  /** Runs fn() with `host` as the core's host; returns what fn returns, and the host's first failure. */
  return (host, fn) => {
    current = guardHost(host);
    hostError = null;
    try {
      return fn(current);
    } finally {
      current = null;
    }
  };
}

// A decision's answer. `body` and `error` are parsed on first use: a server
// sends `bodyText` as it is and never needs them.
class Decision {
  constructor(fields) {
    Object.assign(this, fields);
  }

  get body() {
    const body = JSON.parse(this.bodyText);
    Object.defineProperty(this, 'body', { value: body, enumerable: true });
    return body;
  }

  /** The error body (as validation gives it), or null on success. */
  get error() {
    return this.errorIndex === 0 ? null : this.body;
  }

  toJSON() {
    const { errorIndex, ...rest } = this;
    return { ...rest, body: this.body, error: this.error };
  }
}

const FLAG_ADMIN = 1;
const FLAG_STEP_UP = 2;
const FLAG_USER = 4;
const FLAG_SEALS = 8;
const METHODS = [...MFA_TYPES, 'recovery'];

function makeDecide(module, withHost) {
  let capacity = 0;
  let inputPtr = 0;
  const readString = createStringReader(module, 'utf8');
  const params = module._identity_mfa_decide_params() >>> 0;
  const empty = new Uint8Array(0);

  // The texts, end to end, into the core's input buffer (bindings/embind.cpp:
  // body, state, user id, username, email, phone, issuer, random bytes).
  function writeInput(texts) {
    let need = 0;
    for (const text of texts) need += utf8Bound(text);
    if (need > capacity) {
      inputPtr = module._identity_mfa_decide_buffer(need) >>> 0;
      capacity = need;
    }
    const heap = module.HEAPU8; // after the call: it may have grown memory
    const lengths = module.HEAP32;
    let at = inputPtr;
    texts.forEach((text, i) => {
      const length = writeBody(heap, at, inputPtr + capacity - at, text);
      lengths[(params >> 2) + 6 + i] = length;
      at += length;
    });
  }

  function writeParams(op, input, flags) {
    const settings = input.settings ?? {};
    const int = (value, fallback) => (Number.isSafeInteger(value) && value >= 0 && value <= 0x7fffffff ? value : fallback);
    module.HEAPF64[params >> 3] = input.now ?? Date.now();
    module.HEAPF64[(params >> 3) + 1] = typeof settings.pendingTtlMs === 'number' && Number.isFinite(settings.pendingTtlMs) ? settings.pendingTtlMs : 0;
    const words = module.HEAP32;
    const at = params >> 2;
    words[at + 4] = op;
    words[at + 5] = flags;
    words[at + 14] = HMAC_ALGORITHMS.indexOf(settings.algorithm);
    words[at + 15] = Number.isSafeInteger(settings.digits) ? settings.digits : 0;
    words[at + 16] = Number.isSafeInteger(settings.period) && Math.abs(settings.period) <= 0x7fffffff ? settings.period : 0;
    words[at + 17] = int(settings.bodyLimit, -1);
  }

  // The answer block (DecideAnswer): read before anything else can call
  // into the core, whose texts live in its memory until the next decision.
  function readAnswer(at) {
    const words = module.HEAP32;
    const w = at >> 2;
    const status = words[w];
    const errorIndex = words[w + 1];
    const text = (i) => readString(words[w + i] >>> 0, words[w + i + 1] >>> 0);
    const method = words[w + 8];
    const channel = words[w + 9];
    const audit = [];
    for (let i = 0; i < words[w + 14]; i++) audit.push(AUDIT_EVENTS[words[w + 15 + i]]);
    return new Decision({
      ok: status === 200,
      status,
      errorIndex,
      bodyText: text(4),
      retryAfter: module.HEAPF64[(at >> 3) + 1],
      newState: words[w + 6] === 0 ? null : text(6),
      outbound: channel < 0 ? null : { channel: MFA_TYPES[channel], to: text(10), text: text(12) },
      mfaType: method < 0 ? null : METHODS[method],
      audit,
      hostError: null,
    });
  }

  return function decide(operation, input = {}, host) {
    const op = OPERATIONS.indexOf(operation);
    if (op < 0) throw new TypeError(`unknown operation: ${operation}`);
    checkHost(host);
    checkDecisionInput(input);
    const random = input.random ?? (RANDOM_OPERATIONS.includes(operation) ? host.randomBytes?.(module.randomBytesNeeded) : undefined);
    const user = input.user ?? null;
    const str = (value) => (typeof value === 'string' ? value : '');
    const issuer = str(input.settings?.issuer);
    writeInput([input.body ?? '', input.state ?? '', str(user?.id), str(user?.username), str(user?.email), str(user?.phone), issuer,
      random instanceof Uint8Array ? random : empty]);
    return withHost(host, (guardedHost) => {
      const flags = (input.admin === true ? FLAG_ADMIN : 0) | (input.stepUp === true ? FLAG_STEP_UP : 0) |
        (user ? FLAG_USER : 0) | (guardedHost.seals ? FLAG_SEALS : 0);
      writeParams(op, input, flags);
      const decision = readAnswer(module._identity_mfa_decide() >>> 0);
      decision.hostError = hostError;
      return decision;
    });
  };
}

/** Builds the public API over an instantiated module. */
export function createApi(module) {
  const { validateRequest, forRoute } = makeValidate(module);
  const withHost = connectHost(module);
  return Object.freeze({
    validateRequest,
    ...Object.fromEntries(ROUTES.map((route) => [validatorName(route), forRoute(route)])),
    decide: makeDecide(module, withHost),
    randomBytesNeeded: module.randomBytesNeeded,
    // Primitives, for tests and tools.
    coreCatalog: () => module.catalog(),
    hotp: (algorithm, key, counter, digits, host) =>
      withHost(host, () => module.hotp(algorithm, key, counter, digits)),
    base32Encode: (bytes, pad = false) => module.base32Encode(bytes, pad),
    base32Decode: (text) => module.base32Decode(text),
    otpauthUrl: ({ issuer, account, secret, algorithm = 'SHA1', digits = 6, period = 30 }) =>
      module.otpauthUrl(issuer, account, secret, algorithm, digits, period),
    recoveryCodeFromRandom: (bytes) => module.recoveryCodeFromRandom(bytes),
    normalizeRecoveryCode: (text) => module.normalizeRecoveryCode(text),
    // Key rotation: the stored text of each secret in a state, and the state
    // with every secret sealed again by the host (under its current key).
    storedSecrets: (state) => module.storedSecrets(state),
    resealState(state, userId, host) {
      checkHost(host);
      return withHost(host, () => module.resealState(state, userId));
    },
  });
}
