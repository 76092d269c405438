// A consumer app as a user would write it: bare imports of the installed
// package, bundled by Vite. tests/browser/vite.test.js builds and opens it.
import { validateRequest } from 'identity-mfa';
import { loadIdentityMfa as loadEmbedded } from 'identity-mfa/embedded';
import vectors from './validate-enable.json';

const out = document.getElementById('out');
try {
  const cases = vectors.cases.filter((c) => c.body !== undefined && c.bodyLimit === undefined);
  const embedded = await loadEmbedded();
  out.textContent = JSON.stringify({
    names: cases.map((c) => c.name),
    fetched: cases.map((c) => validateRequest(c.route, c.body)),
    embedded: cases.map((c) => embedded.validateRequest(c.route, c.body)),
  });
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
