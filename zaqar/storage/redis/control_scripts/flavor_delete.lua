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

-- Remove a flavor and clear it from its pools.
--
-- KEYS[1]  pools         ZSET of pool names
-- KEYS[2]  flavors       ZSET of flavor names
-- KEYS[3]  flavor:<name> HASH of the flavor
-- ARGV[1]  name
-- ARGV[2]  key prefix ("<ns>:") of the pool:<pool> HASHes
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
for _, pool in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local key = ARGV[2] .. 'pool:' .. pool
    if redis.call('HGET', key, 'flavor') == ARGV[1] then
        redis.call('HDEL', key, 'flavor')
    end
end
return 1
