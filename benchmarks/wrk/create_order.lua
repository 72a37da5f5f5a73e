-- POST a new Mash order per request, each with its own clientOrderId (run's start second + thread id + counter:
-- runs last at least a second, so two runs never share a start second).
-- `thread_id` is a global on purpose: setup() runs in wrk's main Lua state and thread:set() writes a global of
-- the thread's own state; a `local thread_id` here would shadow it, and every thread would send the same ids
-- (the simulator then answers 400 "Order already exists" to part of the load).
local counter, started = 0, 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  started = os.time()
  wrk.method = "POST"
  wrk.path = os.getenv("BENCH_PATH")
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Content-Type"] = "application/json"
  local auth = os.getenv("BENCH_AUTH")
  if auth then wrk.headers["Authorization"] = "Basic " .. auth end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"merchantId":23232323,"clientOrderId":"bench-%d-%d-%d","paymentType":"Invoice",' ..
    '"customer":{"personId":"010771-123K","name":"Teppo Testaaja"},"totalItems":123.45,' ..
    '"orderItems":[{"articleId":"A1","description":"Tuote","pricePerUnit":123.45,"numberOfUnits":1,"vatPercent":24,"type":1}]}',
    started, thread_id, counter)
  return wrk.format(nil, nil, nil, body)
end
