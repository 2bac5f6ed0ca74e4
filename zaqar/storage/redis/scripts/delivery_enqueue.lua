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

-- delivery_enqueue.lua: add one delivery of any kind to the outbox.
--
-- KEYS[1..7] the outbox keys (lib.lua: pend, state, dlv, body, due, pdue,
--            seq) for the queue and project
-- ARGV[1] now     ARGV[2] project     ARGV[3] escaped project (keys.py)
-- ARGV[4] queue name     ARGV[5] subscription id     ARGV[6] kind
-- ARGV[7] payload (JSON text)     ARGV[8] delay (seconds)
-- ARGV[9] scope: 'queue' or 'topic'
--
-- Touches: pend, dlv, body, due, pdue, seq. Returns the delivery id.
local O = outbox_keys(KEYS, 1)
local now = tonumber(ARGV[1])
local did = string.format('%016x', redis.call('INCR', O.seq))
local due = now + tonumber(ARGV[8])
redis.call('HSET', O.dlv, did, cjson.encode(
  {ARGV[2], ARGV[4], ARGV[5], ARGV[6], 0, now, '', '', ARGV[3], ARGV[9]}))
redis.call('HSET', O.body, did, ARGV[7])
redis.call('ZADD', O.due, due, did)
redis.call('ZADD', O.pdue, due, did)
redis.call('SADD', O.pend, did)
return did
