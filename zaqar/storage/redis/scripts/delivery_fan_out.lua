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

-- delivery_fan_out.lua: enqueue given messages for every live
-- subscription of a queue (message_post.lua does this itself).
--
-- KEYS[1..15]  the queue's standard keys (lib.lua); reads subexp only
-- KEYS[16..22] the outbox keys (lib.lua: pend, state, dlv, body, due,
--              pdue, seq) for this queue and project
-- ARGV[1] now     ARGV[2] project     ARGV[3] escaped project (keys.py)
-- ARGV[4] queue name     ARGV[5] message count n
-- ARGV[6..] n groups of: id, body (JSON), ttl, delay, checksum ('' = none)
-- ARGV[6 + 5n] the post's W3C traceparent, for the deliveries ('' = none)
-- ARGV[7 + 5n] scope: 'queue' or 'topic'. A topic keeps no messages: its
--              record (KEYS[1]), index entry (KEYS[11]) and the project's
--              gc entry (KEYS[15]) are created here if missing, so a topic
--              post is this one script.
--
-- Touches: the outbox's pend, dlv, body, due, pdue, seq. Returns how many
-- deliveries were enqueued.
local K = queue_keys(KEYS)
local O = outbox_keys(KEYS, 16)
local items = {}
local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  local at = 6 + i * 5
  items[#items + 1] = {ARGV[at], ARGV[at + 1], ARGV[at + 2],
                       tonumber(ARGV[at + 3]), ARGV[at + 4]}
end
local trace, scope = ARGV[6 + 5 * n], ARGV[7 + 5 * n]
if trace == '' then
  trace = nil
end
if scope == 'topic' and redis.call('EXISTS', K.rec) == 0 then
  redis.call('HSET', K.rec, 'm', '{}')
  redis.call('ZADD', K.queues, 0, ARGV[4])
  redis.call('SADD', K.projects, ARGV[2])
end
return fan_out(K, O, tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], items,
               trace, scope)
