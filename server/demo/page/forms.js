// A form whose request body is checked as the person types, by the same wasm
// core the server runs. The fields write the body; the body can also be
// edited by hand. While the core rejects the body, nothing is sent: the page
// shows the catalog code and message the server would answer with instead.

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * The core's verdict, as text a person can act on (never markup from input).
 * Before the person has typed in the form, a refusal is shown as what is
 * still missing, not as an error.
 */
function renderCheck(target, result, touched) {
  target.replaceChildren();
  if (result.ok) {
    target.className = 'check valid';
    target.append('Valid: the server will accept this body.');
    return;
  }
  const { code, title, message, fields } = result.error;
  target.className = touched ? 'check invalid' : 'check';
  target.append(touched ? '' : 'Not ready to send: ', element('code', { className: 'code', textContent: code }), ` (HTTP ${result.status}) ${title}: `,
    element('span', { className: 'message', textContent: message }));
  if (fields) {
    const list = Object.entries(fields).map(([name, reason]) => `${name}: ${reason}`).join('; ');
    target.append(element('span', { className: 'fields', textContent: ` (${list})` }));
  }
}

/** An answer from the server, as it came: status line and JSON body. */
export function renderAnswer(target, answer, { hide = [] } = {}) {
  const shown = answer.json && typeof answer.json === 'object' ? { ...answer.json } : answer.json;
  for (const key of hide) if (shown && key in shown) shown[key] = '(shown below)';
  target.replaceChildren(
    element('span', { className: answer.ok ? 'status-ok' : 'status-bad', textContent: `Server answered ${answer.status}` }),
    element('pre', { textContent: JSON.stringify(shown, null, 2) }));
}

/**
 * Wires `form` (data-route, data-method, data-path; inputs with data-field;
 * a .body-editor and an .answer inside). `send(method, path, bodyText)`
 * resolves to { status, ok, json }; `onAnswer(answer)` runs after each.
 * `methodFields`: fields that belong to the chosen mfaType, emptied when it
 * changes. `warnBefore()`: a warning to show on the first submit (the
 * second sends), or null.
 */
export function validatedForm(form, { mfa, send, onAnswer = () => {}, hide = [], methodFields = [], warnBefore = () => null }) {
  const { route, method, path } = form.dataset;
  const fields = [...form.querySelectorAll('[data-field]')];
  const checkId = `${form.id}-check`;
  const textarea = element('textarea', { id: `${form.id}-body`, spellcheck: false, rows: 4 });
  textarea.setAttribute('aria-describedby', checkId);
  const check = element('p', { id: checkId, className: 'check' });
  check.setAttribute('aria-live', 'polite');
  form.querySelector('.body-editor').append(
    element('label', { htmlFor: textarea.id, textContent: `Request body for ${method} …/mfa${path} (JSON; edit it freely)` }),
    textarea, check);
  const answerBox = form.querySelector('.answer');
  const submit = form.querySelector('button[type=submit]');
  const notice = element('p', { className: 'notice', hidden: true });
  notice.setAttribute('role', 'alert');
  submit.after(notice);
  let touched = false;
  let warned = false;

  // Empty fields are left out: the core then names what is missing.
  function bodyFromFields() {
    const body = {};
    for (const field of fields) {
      if (field.type === 'radio' && !field.checked) continue;
      const value = field.value.trim();
      if (value !== '') body[field.dataset.field] = value;
    }
    return body;
  }

  function validate() {
    const result = mfa.validateRequest(route, textarea.value);
    textarea.setAttribute('aria-invalid', String(touched && !result.ok));
    renderCheck(check, result, touched);
    return result;
  }

  function fill() {
    textarea.value = JSON.stringify(bodyFromFields(), null, 2);
    textarea.rows = Math.max(3, textarea.value.split('\n').length + 1);
    validate();
  }

  function edited(event) {
    touched = true;
    warned = false;
    notice.hidden = true;
    // An answer belongs to the body that was sent: once the form changes it is stale.
    answerBox.replaceChildren();
    if (event.target.dataset.field === 'mfaType' && event.type === 'change') {
      for (const field of fields) if (methodFields.includes(field.dataset.field)) field.value = '';
    }
    if (event.target === textarea) validate();
    else if (event.target.dataset.field) fill();
  }
  form.addEventListener('input', edited);
  form.addEventListener('change', edited);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    touched = true;
    if (!validate().ok) {
      textarea.focus();
      return; // the server would refuse it: nothing is sent
    }
    const warning = warned ? null : warnBefore();
    if (warning) {
      notice.textContent = `${warning} Press ${submit.textContent} again to go on.`;
      notice.hidden = false;
      warned = true;
      return;
    }
    warned = false;
    notice.hidden = true;
    submit.disabled = true;
    answerBox.textContent = 'Sending…';
    try {
      const answer = await send(method, path, textarea.value);
      renderAnswer(answerBox, answer, { hide });
      onAnswer(answer);
    } catch (error) {
      answerBox.textContent = `The request did not complete: ${error.message}`;
    } finally {
      submit.disabled = false;
    }
  });

  fill();
  submit.disabled = false; // disabled in the HTML until the core is here to check bodies
  return {
    /** Sets a field's value (hidden ones included) and rewrites the body. */
    setField(name, value) {
      for (const field of fields) if (field.dataset.field === name && field.type !== 'radio') field.value = value ?? '';
      fill();
    },
    clearAnswer() {
      answerBox.replaceChildren();
    },
    /** Empties fields after a success: the form is fresh again, not wrong. */
    reset(names) {
      for (const field of fields) if (names.includes(field.dataset.field) && field.type !== 'radio') field.value = '';
      touched = false;
      fill();
    },
  };
}
