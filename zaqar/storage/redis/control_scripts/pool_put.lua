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

-- Register or replace a pool; its URI must not belong to another pool.
--
-- KEYS[1]  pools       ZSET of pool names (score 0: sorted by name)
-- KEYS[2]  pool:<name> HASH uri, weight, options[, flavor]
-- KEYS[3]  pool-uris   HASH uri -> pool name
-- ARGV[1]  name
-- ARGV[2]  uri
-- ARGV[3]  weight
-- ARGV[4]  flavor, or "" for none
-- ARGV[5]  options (JSON)
--
-- Returns {"created"}, {"replaced"} or {"conflict", <owner of the uri>}.
local owner = redis.call('HGET', KEYS[3], ARGV[2])
if owner and owner ~= ARGV[1] then
    return {'conflict', owner}
end
local old_uri = redis.call('HGET', KEYS[2], 'uri')
if old_uri and old_uri ~= ARGV[2] then
    redis.call('HDEL', KEYS[3], old_uri)
end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'uri', ARGV[2], 'weight', ARGV[3],
           'options', ARGV[5])
if ARGV[4] ~= '' then
    redis.call('HSET', KEYS[2], 'flavor', ARGV[4])
end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
if old_uri then
    return {'replaced'}
end
return {'created'}
