// The request-latency histogram is written by hand (prom-client's own
// Histogram cost a third of a status request); what a scraper reads must be
// exactly what prom-client's Histogram gives for the same observations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { createMetrics } from '../../server/metrics.js';

const NAME = 'identity_mfa_http_request_duration_seconds';
// Each sample as `name{labels in name order} value`: label order means nothing to a scraper.
const samples = (text) => text.split('\n').filter((line) => line.startsWith(NAME)).map((line) => {
  const [, name, labels, value] = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
  return `${name}{${labels.split(/,(?=\w+=")/).sort().join(',')}} ${value}`;
}).sort();

test('the latency histogram reads as prom-client\'s Histogram with the same buckets and observations', async () => {
  const ours = createMetrics();
  const reference = new Registry();
  const theirs = new Histogram({
    name: NAME, help: 'reference', labelNames: ['route'], registers: [reference],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  // Each bucket's edge exactly (le is inclusive), just above it, zero, and past the last bucket.
  const observations = [
    ['/v1/users/:id/mfa', 0], ['/v1/users/:id/mfa', 0.0005], ['/v1/users/:id/mfa', 0.00050001],
    ['/v1/users/:id/mfa', 0.001], ['/v1/users/:id/mfa', 0.0024], ['/v1/users/:id/mfa', 0.1],
    ['/v1/users/:id/mfa/setup', 0.0123], ['/v1/users/:id/mfa/setup', 0.25], ['/v1/users/:id/mfa/setup', 1],
    ['/v1/users/:id/mfa/setup', 1.5], ['/v1/users/:id/mfa/setup', 42], ['unmatched', 0.003],
  ];
  for (const [route, seconds] of observations) {
    ours.record(route, 200, seconds);
    theirs.observe({ route }, seconds);
  }
  const got = samples(await ours.registry.metrics());
  const want = samples(await reference.metrics());
  assert.ok(want.length === 3 * 13, `reference lines: ${want.length}`); // 3 routes × (11 buckets + sum + count)
  assert.deepStrictEqual(got, want);
});
