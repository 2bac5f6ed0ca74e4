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

-- message_pop.lua: remove and return up to `limit` oldest free messages.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- KEYS[16]     the call's token: holds the popped messages for a while, so
--              a retried call (ARGV[3] == '1') gets the same answer
-- ARGV[1] now     ARGV[2] limit     ARGV[3] '1' on a retry, else '0'
-- ARGV[4] token lifetime (ms)
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed of the queue,
-- the token key. Returns a flat list of {id, record, body}.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if ARGV[3] == '1' then
  local saved = redis.call('GET', KEYS[16])
  if saved then
    return cmsgpack.unpack(saved)
  end
end
purge_messages(K, now, 100)
settle(K, now)
local taken, raws = {}, {}
while #taken < limit do
  local batch = redis.call('ZRANGE', K.avail, 0, limit - #taken - 1)
  if #batch == 0 then
    break
  end
  redis.call('ZREM', K.avail, unpack(batch))
  local records = redis.call('HMGET', K.msgs, unpack(batch))
  local gone = {}
  for i, id in ipairs(batch) do
    local raw = records[i]
    if raw then
      local info = decode(raw)
      if not is_live(info, now) then
        gone[#gone + 1] = id
      elseif info[DELAY] > now then
        redis.call('ZADD', K.delayed, info[DELAY], id)
      else
        taken[#taken + 1] = id
        raws[#raws + 1] = raw
      end
    end
  end
  drop_many(K, gone)
end
local out = emit(K, taken, raws, {})
drop_many(K, taken)
if #taken > 0 then
  redis.call('SET', KEYS[16], cmsgpack.pack(out), 'PX', ARGV[4])
end
return out
