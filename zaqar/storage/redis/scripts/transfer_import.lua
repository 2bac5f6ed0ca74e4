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

-- transfer_import.lua: upsert whole message records (a queue being moved
-- here), new ids placed before every message the queue holds.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] queue name     ARGV[3] project
-- ARGV[4] record count n
-- ARGV[5..] n groups of: id, body (JSON), created, expires, delay_until,
--           client uuid ('' = none), checksum ('' = none), claim id
--           ('' = none), claim expires, claim count, dedup_id ('' =
--           none), group ('' = none)
--
-- New ids take seqs below the queue's lowest (counting down, in the given
-- order); known ids keep their seq and take the new expiry, delay and
-- claim. A claimed message joins its claim record's id list when that
-- record exists (import the claims first).
-- Touches: rec (created if missing), msgs, bodies, ids, exp, avail,
-- delayed, claimed, claims, the project and queue indexes.
-- Returns the number of new messages.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[4])
local WIDTH = 12

ensure_queue(K, ARGV[2], ARGV[3])
local ids = {}
for i = 0, n - 1 do
  ids[#ids + 1] = ARGV[5 + i * WIDTH]
end
local held = fetch(K.msgs, ids)
local new = 0
for i = 1, n do
  if not held[i] then
    new = new + 1
  end
end
local next_seq = 0
if new > 0 then
  local lowest = redis.call('ZRANGE', K.ids, 0, 0, 'WITHSCORES')
  local top
  if #lowest > 0 then
    top = tonumber(lowest[2])
  else
    top = tonumber(redis.call('HGET', K.rec, 'seq') or '0') + 1
  end
  next_seq = top - new
end

-- Add `id` to claim `cid`'s id list unless it is there. New messages
-- precede the queue's, so they go before the ids the claim had, in the
-- order given (`placed` counts those already put in front by this call).
local placed = {}
local function attach(cid, id)
  local raw = redis.call('HGET', K.claims, cid)
  if not raw then
    return
  end
  local claim = cjson.decode(raw)
  for _, known in ipairs(claim[5]) do
    if known == id then
      return
    end
  end
  placed[cid] = (placed[cid] or 0) + 1
  table.insert(claim[5], placed[cid], id)
  redis.call('HSET', K.claims, cid, cjson.encode(claim))
end

for i = 0, n - 1 do
  local at = 5 + i * WIDTH
  local id = ARGV[at]
  local created, expires = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local delay_until = tonumber(ARGV[at + 4])
  local cid, claim_exp = ARGV[at + 7], tonumber(ARGV[at + 8])
  local seq
  if held[i + 1] then
    seq = decode(held[i + 1])[SEQ]
  else
    seq = next_seq
    next_seq = next_seq + 1
    redis.call('HSET', K.bodies, id, ARGV[at + 1])
  end
  local info = {seq, created, expires - created, delay_until, ARGV[at + 5],
                ARGV[at + 6], cid, claim_exp, tonumber(ARGV[at + 9])}
  if ARGV[at + 10] ~= '' or ARGV[at + 11] ~= '' then
    info[DEDUP], info[GROUP] = ARGV[at + 10], ARGV[at + 11]
  end
  redis.call('HSET', K.msgs, id, encode(info))
  redis.call('ZADD', K.ids, seq, id)
  redis.call('ZADD', K.exp, expires, id)
  redis.call('ZREM', K.avail, id)
  redis.call('ZREM', K.delayed, id)
  redis.call('ZREM', K.claimed, id)
  if cid ~= '' and claim_exp > now then
    redis.call('ZADD', K.claimed, claim_exp, id)
    attach(cid, id)
  elseif delay_until > now then
    redis.call('ZADD', K.delayed, delay_until, id)
  else
    redis.call('ZADD', K.avail, seq, id)
  end
end
return new
