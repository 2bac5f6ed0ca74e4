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

-- sub_create.lua: subscribe a URI to a queue unless it already is.
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- ARGV[1] now      ARGV[2] subscription id     ARGV[3] subscriber URI
-- ARGV[4] record (JSON array, see lib.lua)     ARGV[5] expires
--
-- Touches: subs, suburi, subexp (an expired subscription of the same URI
-- is removed). Returns 1 when stored (or when ARGV[2] already holds the
-- URI: a retried call), 0 when a live subscription has the URI.
local now = tonumber(ARGV[1])
local sid, uri = ARGV[2], ARGV[3]
local current = redis.call('HGET', KEYS[2], uri)
if current then
  if current == sid then
    return 1
  end
  local expires = redis.call('ZSCORE', KEYS[3], current)
  if expires and tonumber(expires) > now then
    return 0
  end
  redis.call('HDEL', KEYS[1], current)
  redis.call('ZREM', KEYS[3], current)
end
redis.call('HSET', KEYS[1], sid, ARGV[4])
redis.call('HSET', KEYS[2], uri, sid)
redis.call('ZADD', KEYS[3], ARGV[5], sid)
return 1
