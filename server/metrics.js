// Prometheus metrics (GET /metrics): requests by route and status, latency
// by route, and MFA events (the audit events, counted).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

// A histogram by route that costs a few array writes per request. prom-client's
// own Histogram validates and hashes its labels on every observe(), which
// measured at a third of a status request's CPU when it was used.
// Registered as a custom metric: the registry calls get() when scraped.
class LatencyHistogram {
  constructor(registry) {
    this.name = 'identity_mfa_http_request_duration_seconds';
    this.help = 'HTTP request latency by route';
    this.type = 'histogram';
    this.aggregator = 'sum';
    this.routes = new Map(); // route → { counts: Float64Array (per bucket, +Inf last), sum }
    registry.registerMetric(this);
  }

  observe(route, seconds) {
    let r = this.routes.get(route);
    if (!r) this.routes.set(route, (r = { counts: new Float64Array(BUCKETS.length + 1), sum: 0 }));
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    r.counts[i]++;
    r.sum += seconds;
  }

  get() {
    const values = [];
    for (const [route, { counts, sum }] of this.routes) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += counts[i];
        values.push({ labels: { route, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      cumulative += counts[BUCKETS.length];
      values.push({ labels: { route, le: '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` });
      values.push({ labels: { route }, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: { route }, value: cumulative, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset() {
    this.routes.clear();
  }
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'identity_mfa_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'identity_mfa_events_total',
    help: 'MFA events: setup, verify.ok, verify.failed, enable.ok, enable.failed, lock, disable, regenerate',
    labelNames: ['event', 'mfa_type'],
    registers: [registry],
  });
  const latency = new LatencyHistogram(registry);
  // The outbox's backlog, read from the store when scraped: what waits to be
  // delivered, and for how long the oldest has waited.
  let outboxStats = null;
  let clock = Date.now;
  const stats = () => outboxStats?.().catch(() => null) ?? Promise.resolve(null);
  new Gauge({
    name: 'identity_mfa_outbox_pending_messages',
    help: 'Email/SMS messages in the outbox not yet delivered (or failed for good)',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.pending);
    },
  });
  new Gauge({
    name: 'identity_mfa_outbox_oldest_pending_seconds',
    help: 'Age of the oldest message in the outbox not yet delivered; 0 when none',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.oldest ? Math.max(0, (clock() - Date.parse(s.oldest)) / 1000) : 0);
    },
  });
  // Labelled counters looked up once per route and status.
  const counters = new Map();
  return {
    registry,
    events,
    watchOutbox(read, now) {
      outboxStats = read;
      clock = now;
    },
    record(route, status, seconds) {
      const key = `${route} ${status}`;
      let counter = counters.get(key);
      if (!counter) counters.set(key, (counter = requests.labels(route, String(status))));
      counter.inc();
      latency.observe(route, seconds);
    },
  };
}
