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

-- delivery_settle.lua: complete, retry or fail leased deliveries; each is
-- changed only while the given lease still holds it.
--
-- KEYS[1] dlv     KEYS[2] body     KEYS[3] due   (of the outbox)
-- ARGV[1] action: 'complete', 'retry' or 'fail'
-- ARGV[2] now     ARGV[3] outbox key prefix ("zq:{outbox}:"), to derive
--         the pdue, pend and state keys of each delivery (same slot)
-- complete: ARGV[4..] pairs of delivery id, lease token
-- retry:    ARGV[4] id   ARGV[5] token   ARGV[6] due at   ARGV[7] error
-- fail:     ARGV[4] id   ARGV[5] token   ARGV[6] error
--
-- Touches: dlv, body, due, pdue, pend; state (fail counts a failure on
-- the subscription). Returns how many deliveries were settled.
local action, now, prefix = ARGV[1], tonumber(ARGV[2]), ARGV[3]

-- The record of `did` if `token` holds it, else nil.
local function held(did, token)
  local raw = redis.call('HGET', KEYS[1], did)
  if not raw then
    return nil
  end
  local rec = cjson.decode(raw)
  if token == '' or rec[7] ~= token then
    return nil
  end
  return rec
end

-- "<pend or state>:<escaped project>:<queue or topic>" of a record.
local function outbox_key(rec, what)
  local kind = rec[10] == 'topic' and 't' or ''
  return prefix .. kind .. what .. ':' .. rec[9] .. ':' .. rec[2]
end

local function remove(did, rec)
  redis.call('HDEL', KEYS[1], did)
  redis.call('HDEL', KEYS[2], did)
  redis.call('ZREM', KEYS[3], did)
  redis.call('ZREM', prefix .. 'pdue:' .. rec[9], did)
  redis.call('SREM', outbox_key(rec, 'pend'), did)
end

if action == 'complete' then
  local settled = 0
  for i = 4, #ARGV, 2 do
    local rec = held(ARGV[i], ARGV[i + 1])
    if rec then
      remove(ARGV[i], rec)
      settled = settled + 1
    end
  end
  return settled
end

local did = ARGV[4]
local rec = held(did, ARGV[5])
if not rec then
  return 0
end
if action == 'retry' then
  rec[7], rec[8] = '', ARGV[7]
  redis.call('HSET', KEYS[1], did, cjson.encode(rec))
  redis.call('ZADD', KEYS[3], ARGV[6], did)
  redis.call('ZADD', prefix .. 'pdue:' .. rec[9], ARGV[6], did)
  return 1
end
remove(did, rec)
local state_key = outbox_key(rec, 'state')
local raw = redis.call('HGET', state_key, rec[3])
local state = {cjson.null, cjson.null, 0, cjson.null, cjson.null}
if raw then
  state = cjson.decode(raw)
end
state[3] = state[3] + 1
state[4], state[5] = ARGV[6], now
redis.call('HSET', state_key, rec[3], cjson.encode(state))
return 1
