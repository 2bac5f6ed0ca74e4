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

-- queue_purge.lua: delete every message and claim of a queue, keeping its
-- record (metadata, seq) and subscriptions.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV: none
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed, claims, cexp, gl
-- (UNLINK). Returns the number of messages that were stored.
local K = queue_keys(KEYS)
local count = redis.call('ZCARD', K.ids)
redis.call('UNLINK', K.msgs, K.bodies, K.ids, K.exp, K.avail, K.delayed,
           K.claimed, K.claims, K.cexp, extra_key(K, 'gl'))
return count
