// Prometheus metrics (GET /metrics): requests by route and status, latency,
// and MFA events (the audit events, counted).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'identity_mfa_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'identity_mfa_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    events: new Counter({
      name: 'identity_mfa_events_total',
      help: 'MFA events: setup, verify.ok, verify.failed, enable.ok, enable.failed, lock, disable, regenerate',
      labelNames: ['event', 'mfa_type'],
      registers: [registry],
    }),
  };
}
