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

-- Place a queue on a pool unless it is placed already.
--
-- KEYS[1]  catalogue:<project>      HASH queue -> pool
-- KEYS[2]  pool-queues:<pool>       SET of "<project>\n<queue>"
-- KEYS[3]  project-pools:<project>  HASH pool -> number of queues
-- ARGV[1]  queue name
-- ARGV[2]  pool name
-- ARGV[3]  "<project>\n<queue>"
--
-- Returns the pool holding the queue after the call.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
    return current
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
return ARGV[2]
