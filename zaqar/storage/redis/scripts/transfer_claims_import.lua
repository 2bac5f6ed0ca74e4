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

-- transfer_claims_import.lua: upsert claim records (a queue being moved
-- here); messages join them through transfer_import.lua.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] queue name     ARGV[2] project     ARGV[3] claim count n
-- ARGV[4..] n groups of: claim id, ttl, renewed, expires, grace
--
-- Touches: rec (created if missing), claims, cexp, the project and queue
-- indexes. A known claim keeps its id list. Returns n.
local K = queue_keys(KEYS)
local n = tonumber(ARGV[3])
ensure_queue(K, ARGV[1], ARGV[2])
for i = 0, n - 1 do
  local at = 4 + i * 5
  local cid = ARGV[at]
  local ids = {}
  local raw = redis.call('HGET', K.claims, cid)
  if raw then
    ids = cjson.decode(raw)[5]
  end
  local expires = tonumber(ARGV[at + 3])
  redis.call('HSET', K.claims, cid, cjson.encode({
    tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), expires,
    tonumber(ARGV[at + 4]), ids}))
  redis.call('ZADD', K.cexp, expires, cid)
end
return n
