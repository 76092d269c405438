// The ergonomic API over one instance of the wasm module.
import { catalog, errorBody } from './catalog.js';
import { DEFAULT_BODY_LIMIT, FIELDS, OPERATIONS, RANDOM_OPERATIONS, REASONS, ROUTES } from './contract.js';
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
  wrapper = { hmac: guard('hmac'), pepperedHash: guard('pepperedHash') };
  if (typeof host.seal === 'function' && typeof host.open === 'function') {
    wrapper.seal = guard('seal');
    wrapper.open = guard('open');
  }
  guarded.set(host, Object.freeze(wrapper));
  return wrapper;
}

function checkHost(host) {
  if (!host || typeof host.hmac !== 'function' || typeof host.pepperedHash !== 'function') {
    throw new TypeError('decide() needs a host with hmac() and pepperedHash() (see identity-mfa/node)');
  }
}

function makeDecide(module) {
  let capacity = 0;
  let inputPtr = 0;
  const readString = createStringReader(module, 'utf8');
  const read = (text) => readString(text.ptr, text.length);

  // The body, then the state, into the core's input buffer (bindings/embind.cpp).
  function writeInput(body, state) {
    const need = utf8Bound(body) + utf8Bound(state);
    if (need > capacity) {
      inputPtr = module._identity_mfa_decide_buffer(need) >>> 0;
      capacity = need;
    }
    const heap = module.HEAPU8; // after the call: it may have grown memory
    const bodyLength = writeBody(heap, inputPtr, capacity, body);
    const stateLength = writeBody(heap, inputPtr + bodyLength, capacity - bodyLength, state);
    return { bodyLength, stateLength };
  }

  return function decide(operation, input = {}, host) {
    const op = OPERATIONS.indexOf(operation);
    if (op < 0) throw new TypeError(`unknown operation: ${operation}`);
    checkHost(host);
    checkDecisionInput(input);
    hostError = null;
    const random = input.random ?? (RANDOM_OPERATIONS.includes(operation) ? host.randomBytes?.(module.randomBytesNeeded) : undefined);
    const { bodyLength, stateLength } = writeInput(input.body ?? '', input.state ?? '');
    const d = module.decide(
      {
        op,
        bodyLength,
        stateLength,
        now: input.now ?? Date.now(),
        admin: input.admin === true,
        stepUp: input.stepUp === true,
        random,
        user: input.user ?? null,
        settings: input.settings,
      },
      guardHost(host),
    );
    const failure = hostError;
    hostError = null;
    // Read before anything else can call into the core: the texts live in
    // its memory until the next decision.
    const bodyText = read(d.body);
    const newState = d.newState === null ? null : read(d.newState);
    const body = JSON.parse(bodyText);
    return {
      ok: d.status === 200,
      status: d.status,
      error: d.error === null ? null : body, // the error body, as validation gives it
      body,
      bodyText,
      retryAfter: d.retryAfter,
      newState,
      outbound: d.outbound,
      mfaType: d.mfaType,
      audit: d.audit,
      hostError: failure,
    };
  };
}

/** Builds the public API over an instantiated module. */
export function createApi(module) {
  const { validateRequest, forRoute } = makeValidate(module);
  return Object.freeze({
    validateRequest,
    ...Object.fromEntries(ROUTES.map((route) => [validatorName(route), forRoute(route)])),
    decide: makeDecide(module),
    randomBytesNeeded: module.randomBytesNeeded,
    // Primitives, for tests and tools.
    coreCatalog: () => module.catalog(),
    hotp: (algorithm, key, counter, digits, host) =>
      module.hotp(algorithm, key, counter, digits, guardHost(host)),
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
      return module.resealState(state, userId, guardHost(host));
    },
  });
}
