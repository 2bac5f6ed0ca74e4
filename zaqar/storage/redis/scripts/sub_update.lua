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

-- sub_update.lua: change a live subscription's subscriber, ttl, options.
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- ARGV[1] now      ARGV[2] subscription id
-- ARGV[3] '1' = set subscriber to ARGV[4]
-- ARGV[5] '1' = set ttl to ARGV[6] (the age restarts at 0)
-- ARGV[7] '1' = set options to ARGV[8] (JSON text)
--
-- Touches: subs, suburi, subexp. Returns 1, 0 when the subscription is
-- missing or expired, -1 when another live subscription has the new URI.
local now = tonumber(ARGV[1])
local sid = ARGV[2]
local raw = redis.call('HGET', KEYS[1], sid)
local expires = redis.call('ZSCORE', KEYS[3], sid)
if not raw or not expires or tonumber(expires) <= now then
  return 0
end
local rec = cjson.decode(raw)
if ARGV[3] == '1' and ARGV[4] ~= rec[1] then
  local uri = ARGV[4]
  local holder = redis.call('HGET', KEYS[2], uri)
  if holder and holder ~= sid then
    local until_ = redis.call('ZSCORE', KEYS[3], holder)
    if until_ and tonumber(until_) > now then
      return -1
    end
    redis.call('HDEL', KEYS[1], holder)
    redis.call('ZREM', KEYS[3], holder)
  end
  if redis.call('HGET', KEYS[2], rec[1]) == sid then
    redis.call('HDEL', KEYS[2], rec[1])
  end
  redis.call('HSET', KEYS[2], uri, sid)
  rec[1] = uri
end
if ARGV[5] == '1' then
  rec[2] = tonumber(ARGV[6])
  rec[5] = now
  redis.call('ZADD', KEYS[3], now + rec[2], sid)
end
if ARGV[7] == '1' then
  rec[3] = ARGV[8]
end
redis.call('HSET', KEYS[1], sid, cjson.encode(rec))
return 1
