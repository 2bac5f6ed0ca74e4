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

-- delivery_state_set.lua: set one field of a subscription's delivery
-- state (secret or trust id), creating the state if missing.
--
-- KEYS[1] the queue's outbox state key
-- ARGV[1] subscription id     ARGV[2] position (1 secret, 2 trust id)
-- ARGV[3] '1' to clear the field, else '0'     ARGV[4] the value
--
-- Touches: state. Returns 1.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local state = {cjson.null, cjson.null, 0, cjson.null, cjson.null}
if raw then
  state = cjson.decode(raw)
end
if ARGV[3] == '1' then
  state[tonumber(ARGV[2])] = cjson.null
else
  state[tonumber(ARGV[2])] = ARGV[4]
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(state))
return 1
