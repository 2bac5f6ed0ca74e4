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

-- sub_delete.lua: remove a subscription (idempotent).
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- KEYS[4] the queue's outbox state key
-- ARGV[1] subscription id
--
-- Touches: subs, suburi, subexp, and state (the subscription's delivery
-- state goes with it; pending deliveries stay, their worker finds the
-- subscription gone). Returns 1 if it existed.
local sid = ARGV[1]
redis.call('HDEL', KEYS[4], sid)
local raw = redis.call('HGET', KEYS[1], sid)
if not raw then
  return 0
end
local uri = cjson.decode(raw)[1]
if redis.call('HGET', KEYS[2], uri) == sid then
  redis.call('HDEL', KEYS[2], uri)
end
redis.call('HDEL', KEYS[1], sid)
redis.call('ZREM', KEYS[3], sid)
return 1
