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

-- message_list.lua: one page of live messages in post order.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua); reads msgs, bodies
--              and ids only (read-only script)
-- ARGV[1] now     ARGV[2] marker seq ('' = from the start)     ARGV[3] limit
-- ARGV[4] '1' = echo (show the caller's own messages)
-- ARGV[5] the caller's client uuid
-- ARGV[6] '1' = include claimed     ARGV[7] '1' = include delayed
--
-- Returns {next marker ('' when the page is empty), id1, record1, body1,
-- ...}; the marker is the seq of the last message returned.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
local echo, client = ARGV[4] == '1', ARGV[5]
local with_claimed, with_delayed = ARGV[6] == '1', ARGV[7] == '1'
local low = '-inf'
if ARGV[2] ~= '' then
  low = '(' .. ARGV[2]
end
local out = {''}
local found = 0
local chunk = limit
while found < limit do
  local batch = redis.call('ZRANGEBYSCORE', K.ids, low, '+inf',
                           'WITHSCORES', 'LIMIT', 0, chunk)
  if #batch == 0 then
    break
  end
  local ids = {}
  for i = 1, #batch, 2 do
    ids[#ids + 1] = batch[i]
  end
  local records = redis.call('HMGET', K.msgs, unpack(ids))
  local picked, raws = {}, {}
  for j, id in ipairs(ids) do
    local seq = batch[j * 2]
    low = '(' .. seq
    local raw = records[j]
    if raw then
      local info = decode(raw)
      if is_live(info, now)
          and (with_claimed or not is_claimed(info, now))
          and (with_delayed or info[DELAY] <= now)
          and (echo or info[CLIENT] ~= client) then
        picked[#picked + 1] = id
        raws[#raws + 1] = raw
        out[1] = seq
        found = found + 1
        if found == limit then
          break
        end
      end
    end
  end
  emit(K, picked, raws, out)
  if #ids < chunk then
    break
  end
  -- Filtered out more than expected: read further ahead next time.
  chunk = math.min(chunk * 2, 500)
end
return out
