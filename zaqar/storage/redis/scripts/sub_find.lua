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

-- sub_find.lua: the live subscription of a subscriber URI on a queue.
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- ARGV[1] now      ARGV[2] subscriber URI
--
-- Read-only. Returns {id, record} or {} when there is none.
local now = tonumber(ARGV[1])
local sid = redis.call('HGET', KEYS[2], ARGV[2])
if not sid then
  return {}
end
local expires = redis.call('ZSCORE', KEYS[3], sid)
local raw = redis.call('HGET', KEYS[1], sid)
if not raw or not expires or tonumber(expires) <= now then
  return {}
end
return {sid, raw}
