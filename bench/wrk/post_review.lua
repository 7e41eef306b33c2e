-- wrk script for the webhook benchmarks: POSTs one AdmissionReview (the file named by the
-- environment variable REVIEW_BODY) to /validate on every request, and at the end prints one
-- JSON line with the counts and latency percentiles (microseconds), which bench/webhook_bench.sh
-- (and tests/reliability/) collect. REVIEW_CLOSE=1 sends "Connection: close", so every request opens a new TLS
-- connection (wrk reconnects): that run measures new connections per second.
local path = os.getenv("REVIEW_BODY")
local f = assert(io.open(path, "rb"), "cannot read REVIEW_BODY " .. tostring(path))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = "/validate"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
if os.getenv("REVIEW_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status,
    e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
