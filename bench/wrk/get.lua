-- wrk script for a fixed request (the URL, with headers given by -H): it
-- only reports, as one JSON line prefixed "BENCH ", what bench/server.mjs
-- reads. No response() callback: the load generator stays as light as it can.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"responses":%d,"seconds":%.6f,"p50":%.1f,"p99":%.1f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
