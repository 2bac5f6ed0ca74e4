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

-- topic_migrate.lua: move one topic stored under the hidden project
-- ("\n" + project, the layout before topics had a scope) into the topic
-- namespace of the project itself (keys.py), with its subscriptions,
-- delivery state and pending deliveries.
--
-- KEYS[1..7]  old rec, subs, suburi, subexp, topic index, pend, state
-- KEYS[8..14] the same keys of the topic namespace
-- KEYS[15] old pdue     KEYS[16] new pdue     KEYS[17] the outbox's dlv
-- KEYS[18] the driver's project index (zq:projects)
-- ARGV[1] topic name     ARGV[2] project     ARGV[3] escaped project
-- ARGV[4] the hidden project
--
-- Touches: every key above (the old ones are deleted, the dlv records of
-- the moved deliveries rewritten). Atomic per topic and idempotent: a
-- topic already moved has no old keys left. Entries of a topic created in
-- the new namespace meanwhile win over old ones of the same id or
-- subscriber. Returns 1 if it moved anything, else 0.
local old_rec, old_subs, old_uri, old_exp, old_index, old_pend, old_state =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local rec, subs, uri, exp, index, pend, state =
  KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12], KEYS[13], KEYS[14]
local old_pdue, pdue, dlv, projects = KEYS[15], KEYS[16], KEYS[17], KEYS[18]
local name, project, escaped, hidden = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

if redis.call('ZSCORE', old_index, name) == false and
   redis.call('EXISTS', old_rec) == 0 then
  return 0
end

-- Hash fields the new key lacks, then the old key goes.
local function merge_hash(from, to)
  local flat = redis.call('HGETALL', from)
  for i = 1, #flat, 2 do
    redis.call('HSETNX', to, flat[i], flat[i + 1])
  end
  redis.call('DEL', from)
end

if redis.call('EXISTS', rec) == 0 then
  merge_hash(old_rec, rec)
else
  redis.call('DEL', old_rec)
end
merge_hash(old_subs, subs)
merge_hash(old_uri, uri)
merge_hash(old_state, state)
local flat = redis.call('ZRANGE', old_exp, 0, -1, 'WITHSCORES')
for i = 1, #flat, 2 do
  redis.call('ZADD', exp, 'NX', flat[i + 1], flat[i])
end
redis.call('DEL', old_exp)

-- Pending deliveries: their record names the project and the scope now.
for _, did in ipairs(redis.call('SMEMBERS', old_pend)) do
  local raw = redis.call('HGET', dlv, did)
  if raw then
    local d = cjson.decode(raw)
    d[1], d[9], d[10] = project, escaped, 'topic'
    redis.call('HSET', dlv, did, cjson.encode(d))
    local due = redis.call('ZSCORE', old_pdue, did)
    if due then
      redis.call('ZADD', pdue, due, did)
    end
    redis.call('SADD', pend, did)
  end
  redis.call('ZREM', old_pdue, did)
end
redis.call('DEL', old_pend)

redis.call('ZADD', index, 0, name)
redis.call('SADD', projects, project)
redis.call('ZREM', old_index, name)
if redis.call('ZCARD', old_index) == 0 then
  redis.call('SREM', projects, hidden)
  if redis.call('ZCARD', old_pdue) == 0 then
    redis.call('DEL', old_pdue)
  end
end
return 1
