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

-- Remove a pool unless it holds queues or is the last pool of a flavor.
--
-- KEYS[1]  pools              ZSET of pool names
-- KEYS[2]  pool:<name>        HASH of the pool
-- KEYS[3]  pool-uris          HASH uri -> pool name
-- KEYS[4]  pool-queues:<name> SET of the queues placed on it
-- ARGV[1]  name
-- ARGV[2]  key prefix ("<ns>:"): other pools' and the flavor's keys are
--          read through it (pool:<other>, flavor:<flavor>)
--
-- Returns {"deleted"}, {"absent"}, {"in-use"} or {"flavor", <flavor>}.
if redis.call('EXISTS', KEYS[2]) == 0 then
    return {'absent'}
end
if redis.call('SCARD', KEYS[4]) > 0 then
    return {'in-use'}
end
local flavor = redis.call('HGET', KEYS[2], 'flavor')
if flavor and redis.call('EXISTS', ARGV[2] .. 'flavor:' .. flavor) == 1 then
    local peers = 0
    for _, other in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
        if other ~= ARGV[1] and redis.call(
                'HGET', ARGV[2] .. 'pool:' .. other, 'flavor') == flavor then
            peers = peers + 1
        end
    end
    if peers == 0 then
        return {'flavor', flavor}
    end
end
redis.call('HDEL', KEYS[3], redis.call('HGET', KEYS[2], 'uri'))
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return {'deleted'}
