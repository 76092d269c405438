// The minimal page of demo mode at `/`: where to look next. The full page,
// with in-browser validation, is issue #5.
export function demoPage() {
  return `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>identity-mfa demo</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; line-height: 1.5">
<h1>identity-mfa demo</h1>
<p>The sidecar is running. The terminal that started it printed a demo user id, a token and a
<code>curl</code> line for each route: setup, verify, enable, status.</p>
<ul>
<li><a href="/openapi.json">/openapi.json</a>: every route, body, response and error</li>
<li><a href="/health/ready">/health/ready</a> and <a href="/metrics">/metrics</a></li>
</ul>
</body></html>`;
}
