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

-- gc.lua: physically remove a queue's expired messages, claims and
-- subscriptions, and settle ran-out delays and claims.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- KEYS[16..22] the outbox keys (lib.lua); only state is used (the delivery
--              state of expired subscriptions goes with them)
-- ARGV[1] now     ARGV[2] most items of each kind to remove in this call
--
-- Touches: every message/claim/subscription key of the queue and the
-- queue's outbox state. Returns the number of items removed; the caller
-- repeats the call while that is non-zero.
local K = queue_keys(KEYS)
local O = outbox_keys(KEYS, 16)
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local removed = purge_messages(K, now, max) + purge_claims(K, now, max)
local subs = redis.call('ZRANGEBYSCORE', K.subexp, '-inf', now,
                        'LIMIT', 0, max)
for _, sid in ipairs(subs) do
  local raw = redis.call('HGET', K.subs, sid)
  if raw then
    local uri = cjson.decode(raw)[1]
    if redis.call('HGET', K.suburi, uri) == sid then
      redis.call('HDEL', K.suburi, uri)
    end
  end
  redis.call('HDEL', K.subs, sid)
  redis.call('ZREM', K.subexp, sid)
  redis.call('HDEL', O.state, sid)
end
settle(K, now)
return removed + #subs
