// Runs the shared vectors through the JS package, in Node (tests/js/) and in
// Chromium (tests/browser/vectors.html) alike: no Node-only API here.

/** Bytes from lower-case hex. */
export function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The bytes of a validation case (body, bodyHex or bodyRepeat). */
export function caseBody(c) {
  if (c.body !== undefined) return new TextEncoder().encode(c.body);
  if (c.bodyHex !== undefined) return hexBytes(c.bodyHex);
  const { prefix, unit, count, suffix, latin1 } = c.bodyRepeat;
  const text = prefix + unit.repeat(count) + suffix;
  return latin1 ? Uint8Array.from(text, (ch) => ch.charCodeAt(0)) : new TextEncoder().encode(text);
}

export function validateCase(api, c) {
  const options = c.bodyLimit === undefined ? undefined : { bodyLimit: c.bodyLimit };
  return api.validateRequest(c.route, caseBody(c), options);
}

/** A validation result reduced to what a case's `expect` states. */
export function expectable(result) {
  if (result.ok) return { ok: true, value: result.value };
  const out = { ok: false, status: result.status, code: result.error.code };
  if (result.error.fields) out.fields = result.error.fields;
  return out;
}

/** A host whose every call fails (the vectors' "hostFails" steps). */
export const failingHost = { hmac: () => null, pepperedHash: () => null };

/** Runs a scenario; returns one outcome per step, in the native dump's shape. */
export function runScenario(api, scenario, host) {
  let state = scenario.state ?? '';
  return scenario.steps.map((step) => {
    const d = api.decide(step.op, {
      body: step.body,
      state,
      now: step.now,
      admin: step.admin === true,
      stepUp: step.stepUp === true,
      random: step.randomHex === undefined ? new Uint8Array(0) : hexBytes(step.randomHex),
      user: scenario.user,
      settings: scenario.settings,
    }, step.hostFails ? failingHost : host);
    if (d.newState !== null) state = d.newState;
    return {
      status: d.status,
      code: d.error?.code ?? null,
      retryAfter: d.retryAfter,
      audit: d.audit,
      stateChanged: d.newState !== null,
      newState: d.newState,
      outbound: d.outbound,
      mfaType: d.mfaType,
      body: d.body,
    };
  });
}

/** The keys of `expect` a step outcome must match (see vector_runner.cpp). */
export function expectedView(expect, outcome) {
  const view = {};
  for (const key of ['status', 'code', 'body', 'retryAfter', 'audit', 'stateChanged', 'outbound']) {
    if (key in expect) view[key] = outcome[key];
  }
  if (expect.code) {
    view.bodyCode = outcome.body.code;
    view.bodyFields = outcome.body.fields;
  }
  return view;
}

export function expectedOf(expect) {
  const view = { ...expect };
  delete view.fields;
  if (expect.code) {
    view.bodyCode = expect.code;
    view.bodyFields = expect.fields;
  }
  return view;
}
