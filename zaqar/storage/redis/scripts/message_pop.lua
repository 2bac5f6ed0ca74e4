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
-- the token key; reads gl (lib.lua) for messages of a FIFO group.
-- Returns a flat list of {id, record, body}.
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
-- FIFO groups, as in claim_create.lua: a message of a group held by a
-- live claim stays; at most one message per group goes.
local gl, groups, offset = nil, {}, 0
while #taken < limit and offset < 1000 do
  local batch = redis.call('ZRANGE', K.avail, offset,
                           offset + limit - #taken - 1)
  if #batch == 0 then
    break
  end
  local records = redis.call('HMGET', K.msgs, unpack(batch))
  local gone, out_of_avail = {}, {}
  for i, id in ipairs(batch) do
    local raw = records[i]
    local keep = false
    if raw then
      local info = decode(raw)
      local group = group_of(info)
      if not is_live(info, now) then
        gone[#gone + 1] = id
      elseif info[DELAY] > now then
        redis.call('ZADD', K.delayed, info[DELAY], id)
      elseif group and (groups[group] or group_held(
          K, gl or extra_key(K, 'gl'), group, id, now)) then
        groups[group] = true
        keep = true
      else
        if group then
          groups[group] = true
        end
        taken[#taken + 1] = id
        raws[#raws + 1] = raw
      end
    end
    if keep then
      offset = offset + 1
    else
      out_of_avail[#out_of_avail + 1] = id
    end
  end
  variadic('ZREM', K.avail, out_of_avail)
  drop_many(K, gone)
end
local out = emit(K, taken, raws, {})
drop_many(K, taken)
if #taken > 0 then
  redis.call('SET', KEYS[16], cmsgpack.pack(out), 'PX', ARGV[4])
end
return out
