-- wrk script: cycles through the request paths in a file (one per line, as
-- run.sh cuts them from the mix), in order, and prints one machine-readable
-- RESULT line at the end.
--   wrk -t1 -c16 -d15s -s mix.lua http://127.0.0.1:PORT -- PATHS_FILE
local paths = {}
local next_path = 0

function init(args)
  local file = assert(io.open(args[1], "r"), "usage: -- PATHS_FILE")
  for line in file:lines() do
    if line ~= "" then paths[#paths + 1] = line end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d timeouts=%d p50_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
