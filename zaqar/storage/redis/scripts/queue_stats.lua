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

-- queue_stats.lua: live message counts and the oldest/newest live message.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua); reads ids, exp,
--              claimed and msgs only (read-only script)
-- ARGV[1] now
--
-- Claimed = messages under a live claim (a live claim keeps its messages
-- alive); free = every other live message, delayed ones included.
-- Returns {total, claimed, oldest id, oldest created, newest id,
-- newest created} with '' for the ids of an empty queue.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local total = redis.call('ZCARD', K.exp) -
              redis.call('ZCOUNT', K.exp, '-inf', now)
local claimed = redis.call('ZCOUNT', K.claimed, '(' .. now, '+inf')

-- The first live message walking `ids` forwards or backwards.
local function first_live(cmd)
  local start = 0
  while total > 0 do
    local batch = redis.call(cmd, K.ids, start, start + 49)
    if #batch == 0 then
      return '', ''
    end
    for _, id in ipairs(batch) do
      local score = redis.call('ZSCORE', K.exp, id)
      if score and tonumber(score) > now then
        local info = decode(redis.call('HGET', K.msgs, id))
        return id, tostring(info[CREATED])
      end
    end
    start = start + 50
  end
  return '', ''
end

local oldest, oldest_at = first_live('ZRANGE')
local newest, newest_at = first_live('ZREVRANGE')
return {total, claimed, oldest, oldest_at, newest, newest_at}
