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

-- transfer_remove.lua: delete the messages no consumer changed since they
-- were exported (the source side of a queue move).
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] record count n
-- ARGV[3..] n groups of: id, expires, claim id ('' = none), claim expires
--           ('' = none), claim count
--
-- A message is unchanged when it is live with the same expiry, live claim
-- (id and expiry) and claim count; times match within 1.5 ms.
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed.
-- Returns the ids kept (changed or gone).
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local WIDTH = 5
local EPSILON = 0.0015

local function close(a, b)
  return math.abs(a - b) < EPSILON
end

local ids = {}
for i = 0, n - 1 do
  ids[#ids + 1] = ARGV[3 + i * WIDTH]
end
local records = fetch(K.msgs, ids)
local drop_ids, kept = {}, {}
for i = 0, n - 1 do
  local at = 3 + i * WIDTH
  local raw = records[i + 1]
  local same = false
  if raw then
    local info = decode(raw)
    if is_live(info, now) and close(expires_at(info), tonumber(ARGV[at + 1]))
        and info[CLAIM_COUNT] == tonumber(ARGV[at + 4]) then
      if is_claimed(info, now) then
        same = info[CLAIM] == ARGV[at + 2]
          and ARGV[at + 3] ~= '' and close(info[CLAIM_EXP],
                                           tonumber(ARGV[at + 3]))
      else
        same = ARGV[at + 2] == ''
      end
    end
  end
  if same then
    drop_ids[#drop_ids + 1] = ARGV[at]
  else
    kept[#kept + 1] = ARGV[at]
  end
end
drop_many(K, drop_ids)
return kept
