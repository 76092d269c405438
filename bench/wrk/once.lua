-- wrk script that sends each request of a file exactly once, then stops:
--   wrk -t1 -c16 -d4s -s once.lua http://host:port -- requests.tsv
-- One request per line, tab-separated: METHOD, PATH, TOKEN, BODY (token and
-- body may be empty). Requests are formatted in init(), when wrk.headers
-- holds Host (formatted earlier, Node answers 400).
--
-- wrk runs for its whole -d even when the file runs out, so the rate comes
-- from this script's own clock (CLOCK_MONOTONIC through LuaJIT's FFI): real
-- responses over the time from the first request to the last response.
-- wrk calls request() once before sending anything (to check pipelining) and
-- drops that request: the first call returns a probe that is never sent.
-- Once the file is done, requests are GET /health/live until wrk's time is
-- up: they change nothing and are not counted (their body is the marker).
-- (Stopping the thread instead would drop the responses still in flight.)
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *out);
]]
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local PROBE_BODY = '{"status":"ok"}'

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^(%u+)\t([^\t]+)\t([^\t]*)\t(.*)$")
    local headers = {}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
    lines[#lines + 1] = wrk.format(method, path, headers, body)
  end
  count = #lines
  probe = wrk.format("GET", "/health/live")
  calls = 0       -- request() calls, the first being wrk's check
  dispensed = 0   -- lines handed out
  responses = 0   -- real responses
  non2xx = 0
  first = 0
  last = 0
end

function request()
  calls = calls + 1
  if calls == 1 or dispensed >= count then return probe end
  dispensed = dispensed + 1
  if dispensed == 1 then first = now() end
  return lines[dispensed]
end

function response(status, headers, body)
  if body == PROBE_BODY then return end
  responses = responses + 1
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  last = now()
end

function done(summary, latency, requests)
  local t = threads[1]
  local e = summary.errors
  io.write(string.format(
    'BENCH {"responses":%d,"seconds":%.6f,"p50":%.1f,"p99":%.1f,"errors":%d,"non2xx":%d,"dispensed":%d,"lines":%d}\n',
    t:get("responses"), t:get("last") - t:get("first"), latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, t:get("non2xx"), t:get("dispensed"), t:get("count")))
end
