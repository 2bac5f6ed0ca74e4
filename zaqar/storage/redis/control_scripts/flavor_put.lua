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

-- Create or replace a flavor and make exactly the listed pools its own.
--
-- KEYS[1]  pools         ZSET of pool names
-- KEYS[2]  flavors       ZSET of flavor names
-- KEYS[3]  flavor:<name> HASH capabilities (JSON)
-- ARGV[1]  name
-- ARGV[2]  capabilities (JSON)
-- ARGV[3]  key prefix ("<ns>:"): pool:<pool> HASHes are read and written
--          through it
-- ARGV[4..] names of the flavor's pools
--
-- Returns {"created"}, {"replaced"} or {"missing", <pool>} (nothing
-- changed).
for i = 4, #ARGV do
    if redis.call('EXISTS', ARGV[3] .. 'pool:' .. ARGV[i]) == 0 then
        return {'missing', ARGV[i]}
    end
end
local created = redis.call('EXISTS', KEYS[3]) == 0
redis.call('HSET', KEYS[3], 'capabilities', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
local wanted = {}
for i = 4, #ARGV do
    wanted[ARGV[i]] = true
end
for _, pool in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local key = ARGV[3] .. 'pool:' .. pool
    if wanted[pool] then
        redis.call('HSET', key, 'flavor', ARGV[1])
    elseif redis.call('HGET', key, 'flavor') == ARGV[1] then
        redis.call('HDEL', key, 'flavor')
    end
end
if created then
    return {'created'}
end
return {'replaced'}
