-- GET one existing resource, each connection pausing between an answer and its next request for an exponentially
-- distributed time of mean BENCH_DELAY_MS: a load below saturation, so a latency is what a proxy adds to one
-- request, not the queue in front of it.
-- Random pauses on purpose: with one fixed pause the 16 connections, started together, stay in step and send in
-- bursts of 16, so the last of a burst waits for the 15 before it at every hop, a queue the bench then calls
-- "added latency". Independent users arrive at random (a Poisson stream, what wrk2's open-loop pacing models too).
local auth = os.getenv("BENCH_AUTH")
local pause = tonumber(os.getenv("BENCH_DELAY_MS"))
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)  -- a global of the thread's state (see create_order.lua)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(os.time() * 100 + thread_id)  -- each thread its own stream of pauses
   wrk.method = "GET"
   wrk.path = os.getenv("BENCH_PATH")
   wrk.headers["Accept"] = "application/json"
   if auth then wrk.headers["Authorization"] = "Basic " .. auth end
end

function delay()
   return math.floor(-math.log(1 - math.random()) * pause + 0.5)
end
