-- Licensed under the Apache License, Version 2.0 (the "License"); you may
-- not use this file except in compliance with the License. You may obtain
-- a copy of the License at
--
--      http://www.apache.org/licenses/LICENSE-2.0
--
-- Unless required by applicable law or agreed to in writing, software
-- distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
-- WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
-- License for the specific language governing permissions and limitations
-- under the License.

-- message_post.lua: append messages, creating the queue if missing, and
-- enqueue their notifications, all in one atomic step.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua), KEYS[11] the project's
--              queue index, KEYS[15] the driver's project index
-- KEYS[16]     the batch token: set for a while after the batch is stored
--              so that a retried call (ARGV[4] == '1') does not store it twice
-- KEYS[17..23] the outbox keys (lib.lua: pend, state, dlv, body, due,
--              pdue, seq) for this queue and project
-- ARGV[1] now (epoch seconds)     ARGV[2] queue name
-- ARGV[3] client uuid             ARGV[4] '1' on a retry, else '0'
-- ARGV[5] token lifetime (ms)     ARGV[6] message count n
-- ARGV[7] project                 ARGV[8] escaped project (keys.py)
-- ARGV[9..] n groups of: id, body (JSON), ttl, delay, checksum ('' = none),
--           dedup_id ('' = none), dedup window (seconds, 0 = off),
--           group ('' = none)
-- ARGV[9 + 8n] optional: the post's W3C traceparent, for the deliveries
--
-- Touches: rec (created if missing; seq += n), msgs, bodies, ids, exp,
-- avail or delayed, the project and queue indexes (when the queue is new),
-- the token key; removes a few expired messages of the queue on the way;
-- with dedup_ids (window > 0), dd and ddx (lib.lua; a few expired entries
-- go on the way);
-- when the queue has live subscriptions (subexp), the outbox's pend, dlv,
-- body, due, pdue and seq.
-- Returns {1 if the queue was created else 0 (-1 for a replay),
--          number of deliveries enqueued}, followed, when the batch had
--          dedup_ids, by the id that answers for each message in input
--          order (a repeated dedup_id answers with its original's id); a
--          replay returns the answer its first run gave.
local K = queue_keys(KEYS)
local O = outbox_keys(KEYS, 17)
local now = tonumber(ARGV[1])
local name, client = ARGV[2], ARGV[3]
local n = tonumber(ARGV[6])
local WIDTH = 8

if ARGV[4] == '1' then
  local saved = redis.call('GET', KEYS[16])
  if saved then
    local answer = cjson.decode(saved)
    local out = {-1, 0}
    if type(answer) == 'table' then
      for _, id in ipairs(answer) do
        out[#out + 1] = id
      end
    end
    return out
  end
end

local created = ensure_queue(K, name, ARGV[7])
purge_messages(K, now, n + 10)

-- Idempotent posts: which messages are stored, which answer with an id
-- remembered for their dedup_id.
local store, answer, deduped = {}, {}, false
local dd, ddx, seen = nil, nil, {}
for i = 0, n - 1 do
  local at = 9 + i * WIDTH
  local id, key = ARGV[at], ARGV[at + 5]
  local window = tonumber(ARGV[at + 6])
  local keep = true
  if key ~= '' and window > 0 then
    if dd == nil then
      dd, ddx = extra_key(K, 'dd'), extra_key(K, 'ddx')
      local old = redis.call('ZRANGEBYSCORE', ddx, '-inf', now,
                             'LIMIT', 0, n + 10)
      if #old > 0 then
        variadic('HDEL', dd, old)
        variadic('ZREM', ddx, old)
      end
    end
    local original = seen[key]
    if original == nil then
      local until_ = redis.call('ZSCORE', ddx, key)
      if until_ and tonumber(until_) > now then
        original = redis.call('HGET', dd, key)
      end
    end
    if original then
      keep, deduped = false, true
      id = original
    else
      redis.call('HSET', dd, key, id)
      redis.call('ZADD', ddx, now + window, key)
    end
    seen[key] = id
  end
  answer[#answer + 1] = id
  if keep then
    store[#store + 1] = at
  end
end

local m = #store
local last = 0
if m > 0 then
  last = redis.call('HINCRBY', K.rec, 'seq', m)
end
local records, bodies, ids, exps, avail, delayed = {}, {}, {}, {}, {}, {}
local items = {}
for i, at in ipairs(store) do
  local id, ttl, delay = ARGV[at], tonumber(ARGV[at + 2]),
                         tonumber(ARGV[at + 3])
  local seq = last - m + i
  local delay_until = 0
  if delay > 0 then
    delay_until = now + delay
    delayed[#delayed + 1] = delay_until
    delayed[#delayed + 1] = id
  else
    avail[#avail + 1] = seq
    avail[#avail + 1] = id
  end
  local info = {seq, now, ttl, delay_until, client, ARGV[at + 4], '', 0, 0}
  if ARGV[at + 5] ~= '' or ARGV[at + 7] ~= '' then
    info[DEDUP], info[GROUP] = ARGV[at + 5], ARGV[at + 7]
  end
  records[#records + 1] = id
  records[#records + 1] = encode(info)
  bodies[#bodies + 1] = id
  bodies[#bodies + 1] = ARGV[at + 1]
  ids[#ids + 1] = seq
  ids[#ids + 1] = id
  exps[#exps + 1] = now + ttl
  exps[#exps + 1] = id
  items[#items + 1] = {id, ARGV[at + 1], ARGV[at + 2], delay, ARGV[at + 4],
                       ARGV[at + 5], ARGV[at + 7]}
end

variadic('HSET', K.msgs, records)
variadic('HSET', K.bodies, bodies)
variadic('ZADD', K.ids, ids)
variadic('ZADD', K.exp, exps)
variadic('ZADD', K.avail, avail)
variadic('ZADD', K.delayed, delayed)
local enqueued = fan_out(K, O, now, ARGV[7], ARGV[8], name, items,
                         ARGV[9 + WIDTH * n])
local out = {0, enqueued}
if created then
  out[1] = 1
end
if dd ~= nil then
  redis.call('SET', KEYS[16], cjson.encode(answer), 'PX', ARGV[5])
  for _, id in ipairs(answer) do
    out[#out + 1] = id
  end
else
  redis.call('SET', KEYS[16], '[]', 'PX', ARGV[5])
end
return out
