-- Alternate a list request (BENCH_LIST_PATH) and an item request (BENCH_PATH).
local n = 0
function init(args)
  wrk.headers["Accept"] = "application/json"
  local auth = os.getenv("BENCH_AUTH")
  if auth then wrk.headers["Authorization"] = "Basic " .. auth end
end
function request()
  n = n + 1
  if n % 2 == 0 then return wrk.format("GET", os.getenv("BENCH_LIST_PATH")) end
  return wrk.format("GET", os.getenv("BENCH_PATH"))
end
