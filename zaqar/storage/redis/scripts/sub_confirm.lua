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

-- sub_confirm.lua: set a live subscription's confirmed flag.
--
-- KEYS[1] subs     KEYS[3] subexp   (KEYS[2] suburi, unused)
-- ARGV[1] now      ARGV[2] subscription id     ARGV[3] '1' or '0'
--
-- Touches: subs. Returns 1, or 0 when missing or expired.
local now = tonumber(ARGV[1])
local sid = ARGV[2]
local raw = redis.call('HGET', KEYS[1], sid)
local expires = redis.call('ZSCORE', KEYS[3], sid)
if not raw or not expires or tonumber(expires) <= now then
  return 0
end
local rec = cjson.decode(raw)
rec[4] = ARGV[3] == '1'
redis.call('HSET', KEYS[1], sid, cjson.encode(rec))
return 1
