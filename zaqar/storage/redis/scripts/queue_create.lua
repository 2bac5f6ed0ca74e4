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

-- queue_create.lua: create a queue record unless it exists.
--
-- KEYS[1] the queue's rec     KEYS[2] the project's queue index
-- KEYS[3] the driver's project index (zq:projects)
-- ARGV[1] queue name          ARGV[2] metadata (JSON object text)
-- ARGV[3] _max_claim_count    ARGV[4] _dead_letter_queue
-- ARGV[5] _dead_letter_queue_messages_ttl   ('' = not set, for 3..5)
-- ARGV[6] project
--
-- Touches: rec, the queue index, the project index. Returns 1 if created,
-- 0 if it existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'm', ARGV[2])
local fields = {'mcc', 'dlq', 'dlttl'}
for i = 1, 3 do
  if ARGV[2 + i] ~= '' then
    redis.call('HSET', KEYS[1], fields[i], ARGV[2 + i])
  end
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('SADD', KEYS[3], ARGV[6])
return 1
