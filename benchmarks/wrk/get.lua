-- GET one existing resource; the path comes from the BENCH_PATH environment variable.
local auth = os.getenv("BENCH_AUTH")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Accept"] = "application/json"
if auth then wrk.headers["Authorization"] = "Basic " .. auth end
