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

-- transfer_dedup_import.lua: remember dedup_ids another store remembered
-- (a queue being moved here), each until its own expiry.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now    ARGV[2] queue name    ARGV[3] project    ARGV[4] count n
-- ARGV[5..] n groups of: dedup_id, message id, expires
--
-- Touches: rec (created if missing), dd, ddx. A dedup_id the queue
-- remembers (not yet expired) keeps its message; an expired record is
-- skipped. Returns how many were added.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[4])
ensure_queue(K, ARGV[2], ARGV[3])
local dd, ddx = extra_key(K, 'dd'), extra_key(K, 'ddx')
local added = 0
for i = 0, n - 1 do
  local at = 5 + i * 3
  local key, expires = ARGV[at], tonumber(ARGV[at + 2])
  local until_ = redis.call('ZSCORE', ddx, key)
  if expires > now and not (until_ and tonumber(until_) > now) then
    redis.call('HSET', dd, key, ARGV[at + 1])
    redis.call('ZADD', ddx, expires, key)
    added = added + 1
  end
end
return added
