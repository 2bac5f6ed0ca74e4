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

-- queue_delete.lua: delete a queue with its messages, claims,
-- subscriptions and their pending notifications.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- KEYS[16..22] the outbox keys (lib.lua: pend, state, dlv, body, due,
--              pdue, seq) for this queue and project
-- ARGV[1] queue name
--
-- Touches: every key of the queue, dd, ddx and gl included (UNLINK: big
-- values are freed in the background, so the server's main thread spends
-- O(1) on them), the
-- project's queue index, and the queue's deliveries in the outbox (dlv,
-- body, due, pdue, pend, state). Idempotent; returns 1 if the record
-- existed.
local K = queue_keys(KEYS)
local O = outbox_keys(KEYS, 16)
local existed = redis.call('EXISTS', K.rec)
redis.call('UNLINK', K.rec, K.msgs, K.bodies, K.ids, K.exp, K.avail,
           K.delayed, K.claimed, K.claims, K.cexp, K.subs, K.suburi,
           K.subexp, extra_key(K, 'dd'), extra_key(K, 'ddx'),
           extra_key(K, 'gl'))
redis.call('ZREM', K.queues, ARGV[1])
for _, did in ipairs(redis.call('SMEMBERS', O.pend)) do
  redis.call('HDEL', O.dlv, did)
  redis.call('HDEL', O.body, did)
  redis.call('ZREM', O.due, did)
  redis.call('ZREM', O.pdue, did)
end
redis.call('UNLINK', O.pend, O.state)
return existed
