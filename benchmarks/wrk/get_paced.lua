-- GET one existing resource, each connection pausing BENCH_DELAY_MS between an answer and its next request:
-- a load below saturation, so a latency is what a proxy adds to one request, not the queue in front of it.
local auth = os.getenv("BENCH_AUTH")
local pause = tonumber(os.getenv("BENCH_DELAY_MS"))
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Accept"] = "application/json"
if auth then wrk.headers["Authorization"] = "Basic " .. auth end

function delay()
   return pause
end
