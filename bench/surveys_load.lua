-- wrk script of bench_surveys.py: POSTs survey submissions with a realistic mix and counts
-- what came back, so the benchmark can check every 201 against the database.
--
--   wrk -t2 -c64 -d25s -s surveys_load.lua http://127.0.0.1:8765 -- \
--       path=/api/v1/public/surveys/%s/responses tokens=T1,T2,... run=7 active=20 \
--       invalid=10 retry=5 duplicate=5
--
-- Each request goes to a random link token. Of the requests, `invalid`% answer an item with a
-- value it does not have, or leave a required item out (422); `retry`% send an earlier
-- respondent's submission again (200); `duplicate`% send an earlier respondent with another
-- submission (409); the rest are new respondents with valid answers (201). "Earlier" means at
-- least 64 new respondents back, so the first submission has normally been answered.
-- After `active` seconds no new request is sent (delay() holds every connection), so the
-- requests in flight are answered and counted before wrk stops: nothing is cut off unseen.
-- done() prints one line "BENCH {json}" and one line "IDS <201 ids>" / "RETRY_IDS <200 ids>".

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *spec);
]]
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local COUNTERS = { "new", "retry", "duplicate", "invalid", "s201", "s200", "s409", "s422",
                   "sother" }
local ITEMS = { "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "C1", "C2", "C3",
                "C4", "C5", "D1", "D2", "D3", "D4" }
local SCALE = { { "my", 0.60 }, { "jbmy", 0.85 }, { "bmy", 0.95 }, { "bly", 1.0 } }
local ATTRIBUTES = { { "age", { "a1", "a2", "a3" } }, { "job", { "j1", "j2", "j3", "j4", "j5" } },
                     { "rel", { "r1", "r2", "r3" } } }
local REMARKS = { "希望组织部门多下基层，倾听群众意见。", "=SUM(1,2) 选人用人要注重实绩",
                  "基层 <党组织> & 群众", "人才引进政策要落到实处。" }

-- main thread: number the threads, then gather their counts in done()
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- each thread
local cfg, tokens, pool, invalid_pool, history = {}, {}, {}, {}, {}
local serial, started, stop_at = 0, nil, nil
local verified = false

local function scale_value()
  local draw = math.random()
  for _, option in ipairs(SCALE) do
    if draw < option[2] then return option[1] end
  end
  return "bly"
end

-- One respondent's answers as JSON, and the same made invalid.
local function answers()
  local parts = {}
  for _, code in ipairs(ITEMS) do
    parts[#parts + 1] = string.format('"%s":"%s"', code, scale_value())
  end
  for _, attribute in ipairs(ATTRIBUTES) do
    local options = attribute[2]
    parts[#parts + 1] = string.format('"%s":"%s"', attribute[1], options[math.random(#options)])
  end
  if math.random() < 0.06 then
    parts[#parts + 1] = string.format('"remarks":"%s"', REMARKS[math.random(#REMARKS)])
  end
  local valid = "{" .. table.concat(parts, ",") .. "}"
  local invalid
  if math.random() < 0.5 then
    invalid = valid:gsub('"A1":"%a+"', '"A1":"zz"')
  else
    invalid = valid:gsub('"B1":"%a+",', "")
  end
  return valid, invalid
end

function init(args)
  for _, arg in ipairs(args) do
    local key, value = arg:match("^(%w+)=(.*)$")
    cfg[key] = value
  end
  for token in cfg.tokens:gmatch("[^,]+") do tokens[#tokens + 1] = token end
  for name, value in pairs({ invalid = 10, retry = 5, duplicate = 5, active = 20 }) do
    cfg[name] = tonumber(cfg[name] or value)
  end
  math.randomseed(thread_id * 7919 + tonumber(cfg.run))
  for n = 1, 500 do pool[n], invalid_pool[n] = answers() end
  for _, name in ipairs(COUNTERS) do _G[name] = 0 end
  ids, retry_ids = {}, {}
  -- wrk calls request() once on the first thread before the run, to inspect it, and never
  -- sends that one: it must not be counted
  verified = thread_id ~= 1
end

local function body(respondent, submission, answers_json)
  return string.format('{"respondent":"%s","submission":"%s","answers":%s}', respondent,
    submission, answers_json)
end

local function post(token, payload)
  return wrk.format("POST", string.format(cfg.path, token),
    { ["Content-Type"] = "application/json" }, payload)
end

local function next_request()
  serial = serial + 1
  local draw = math.random() * 100
  local answer = math.random(#pool)
  local earlier = #history - 64
  if draw < cfg.invalid then
    return "invalid", post(tokens[math.random(#tokens)],
      body(string.format("x%s-%d-%d", cfg.run, thread_id, serial), "s", invalid_pool[answer]))
  end
  if earlier >= 1 and draw < cfg.invalid + cfg.retry then
    local first = history[math.random(earlier)]
    return "retry", post(first[1], body(first[2], first[3], pool[answer]))
  end
  if earlier >= 1 and draw < cfg.invalid + cfg.retry + cfg.duplicate then
    local first = history[math.random(earlier)]
    return "duplicate", post(first[1], body(first[2], "d" .. serial, pool[answer]))
  end
  local token = tokens[math.random(#tokens)]
  local respondent = string.format("r%s-%d-%d", cfg.run, thread_id, serial)
  return "new", post(token, body(respondent, "s" .. serial, pool[answer])), {
    token, respondent, "s" .. serial }
end

function request()
  if not verified then
    verified = true
    return post(tokens[1], body("never-sent", "s", pool[1]))
  end
  if started == nil then
    started = now()
    stop_at = started + cfg.active
    first_at = started
  end
  local kind, text, first = next_request()
  _G[kind] = _G[kind] + 1
  if first ~= nil then history[#history + 1] = first end
  return text
end

function delay()
  if stop_at ~= nil and now() >= stop_at then
    return 3600 * 1000
  end
  return 0
end

function response(status, headers, text)
  last_at = now()
  local id = text:match('"id":%s*(%d+)')
  if status == 201 then
    s201 = s201 + 1
    ids[#ids + 1] = id
  elseif status == 200 then
    s200 = s200 + 1
    retry_ids[#retry_ids + 1] = id
  elseif status == 409 then
    s409 = s409 + 1
  elseif status == 422 then
    s422 = s422 + 1
  else
    sother = sother + 1
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, name in ipairs(COUNTERS) do totals[name] = 0 end
  local first, last = math.huge, 0
  local all_ids, all_retry_ids = {}, {}
  for _, thread in ipairs(threads) do
    for _, name in ipairs(COUNTERS) do totals[name] = totals[name] + thread:get(name) end
    first = math.min(first, thread:get("first_at") or math.huge)
    last = math.max(last, thread:get("last_at") or 0)
    for _, id in ipairs(thread:get("ids")) do all_ids[#all_ids + 1] = id end
    for _, id in ipairs(thread:get("retry_ids")) do all_retry_ids[#all_retry_ids + 1] = id end
  end
  local fields = {}
  for name, value in pairs(totals) do
    fields[#fields + 1] = string.format('"%s":%d', name, value)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {%s,"seconds":%.6f,"completed":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"mean_ms":%.3f,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d}\n', table.concat(fields, ","), last - first, summary.requests,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    errors.connect, errors.read, errors.write, errors.timeout))
  io.write("IDS " .. table.concat(all_ids, ",") .. "\n")
  io.write("RETRY_IDS " .. table.concat(all_retry_ids, ",") .. "\n")
end
