-- The bench's wrk script; bench/lib/load.ts passes its settings in the environment.
-- BENCH_METHOD, BENCH_PATH, BENCH_HEADERS (name<TAB>value lines), BENCH_BODY: one request, repeated
-- for wrk's duration. BENCH_BODIES: a file of `signature<TAB>body` lines (Stripe webhook events),
-- each sent exactly once: thread i of BENCH_THREADS sends lines i, i+n, i+2n... A thread whose
-- last answer is in prints one JSON line with its clock (CLOCK_MONOTONIC) and counts, and stops;
-- load.ts times the events from those lines (wrk's own duration is its -d, however soon the
-- threads stop). done() prints wrk's totals as one JSON line.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^\t]+)\t(.*)$")
  headers[name] = value
end
local body = os.getenv("BENCH_BODY")
local bodies_file = os.getenv("BENCH_BODIES")

local queue = nil
local next_index, answered, started_us = 1, 0, nil
-- wrk calls request() once in thread 0's state to check the script before any connection: that
-- call must not use up an event.
local checked = false
bad = 0

function init(args)
  if not bodies_file then return end
  queue = {}
  local i = 0
  for line in io.lines(bodies_file) do
    if i % nthreads == id then
      local signature, payload = string.match(line, "^([^\t]+)\t(.*)$")
      local h = { ["Content-Type"] = "application/json", ["Stripe-Signature"] = signature }
      table.insert(queue, wrk.format("POST", path, h, payload))
    end
    i = i + 1
  end
end

function request()
  if not queue then return wrk.format(method, path, headers, body) end
  if id == 0 and not checked then
    checked = true
    return queue[1]
  end
  started_us = started_us or now_us()
  if next_index <= #queue then
    local r = queue[next_index]
    next_index = next_index + 1
    return r
  end
  -- Every event is out: an empty request leaves the connection idle until the thread stops.
  return ""
end

function response(status, hdrs, resp_body)
  if status < 200 or status > 299 then bad = bad + 1 end
  if not queue then return end
  answered = answered + 1
  if answered == #queue then
    io.stdout:write(string.format('{"thread":%d,"events":%d,"startUs":%d,"endUs":%d,"non2xx":%d}\n',
      id, answered, started_us, now_us(), bad))
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do bad_total = bad_total + (tonumber(t:get("bad")) or 0) end
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, bad_total, latency:percentile(50), latency:percentile(99)))
end
