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

-- transfer_release.lua: give held copies (a queue being moved here) their
-- own delay back; messages no longer stored are skipped.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2..] pairs of: message id, delay_until
--
-- Touches: msgs, avail, delayed (a claimed message stays in "claimed").
-- Returns the number of messages released.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local released = 0
for i = 2, #ARGV, 2 do
  local id, delay_until = ARGV[i], tonumber(ARGV[i + 1])
  local raw = redis.call('HGET', K.msgs, id)
  if raw then
    local info = decode(raw)
    info[DELAY] = delay_until
    redis.call('HSET', K.msgs, id, encode(info))
    if redis.call('ZREM', K.delayed, id) == 1 then
      if delay_until > now then
        redis.call('ZADD', K.delayed, delay_until, id)
      else
        redis.call('ZADD', K.avail, info[SEQ], id)
      end
    end
    released = released + 1
  end
end
return released
