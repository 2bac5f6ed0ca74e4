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

-- queue_set_metadata.lua: replace an existing queue's metadata.
--
-- KEYS[1] the queue's rec
-- ARGV[1] metadata (JSON object text)
-- ARGV[2] _max_claim_count   ARGV[3] _dead_letter_queue
-- ARGV[4] _dead_letter_queue_messages_ttl   ('' = not set, for 2..4)
--
-- Touches: rec (m, mcc, dlq, dlttl). Returns 1, or 0 if the queue is
-- missing (nothing is created).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'm', ARGV[1])
local fields = {'mcc', 'dlq', 'dlttl'}
for i = 1, 3 do
  if ARGV[1 + i] ~= '' then
    redis.call('HSET', KEYS[1], fields[i], ARGV[1 + i])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
return 1
