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

-- delivery_lease.lua: lease up to `limit` due deliveries, earliest first.
--
-- KEYS[1] where to pick from: the outbox's due (any project) or one
--         project's pdue
-- KEYS[2] dlv     KEYS[3] body     KEYS[4] due
-- ARGV[1] now     ARGV[2] limit     ARGV[3] lease seconds
-- ARGV[4] lease token     ARGV[5] outbox key prefix ("zq:{outbox}:"), to
--         derive each delivery's pdue key (same slot)
--
-- Touches: dlv (attempts + 1, lease), due and pdue (due = lease end).
-- Returns a flat list of {id, record, payload}.
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local until_ = now + tonumber(ARGV[3])
local token, prefix = ARGV[4], ARGV[5]
local out = {}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now,
                       'LIMIT', 0, limit)
for _, did in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], did)
  if not raw then
    redis.call('ZREM', KEYS[1], did)
    redis.call('ZREM', KEYS[4], did)
  else
    local rec = cjson.decode(raw)
    rec[5] = rec[5] + 1
    rec[7] = token
    raw = cjson.encode(rec)
    redis.call('HSET', KEYS[2], did, raw)
    redis.call('ZADD', KEYS[4], until_, did)
    redis.call('ZADD', prefix .. 'pdue:' .. rec[9], until_, did)
    out[#out + 1] = did
    out[#out + 1] = raw
    out[#out + 1] = redis.call('HGET', KEYS[3], did)
  end
end
return out
