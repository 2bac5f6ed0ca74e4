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

-- Forget a queue's placement, and optionally place it on another pool.
--
-- KEYS[1]  catalogue:<project>      HASH queue -> pool
-- KEYS[2]  project-pools:<project>  HASH pool -> number of queues
-- ARGV[1]  queue name
-- ARGV[2]  "<project>\n<queue>"
-- ARGV[3]  key prefix of the pool-queues:<pool> SETs (the old and the new
--          pool's sets are touched through it)
-- ARGV[4]  new pool name, or "" to only forget
--
-- Returns the pool the queue was on (nil if none).
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
    redis.call('SREM', ARGV[3] .. old, ARGV[2])
    if redis.call('HINCRBY', KEYS[2], old, -1) <= 0 then
        redis.call('HDEL', KEYS[2], old)
    end
    redis.call('HDEL', KEYS[1], ARGV[1])
end
if ARGV[4] ~= '' then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
    redis.call('SADD', ARGV[3] .. ARGV[4], ARGV[2])
    redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
end
return old
