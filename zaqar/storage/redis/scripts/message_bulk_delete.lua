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

-- message_bulk_delete.lua: delete many messages whatever their claim, or
-- only those held by one of the given live claims.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] '1' to filter by claims, else '0'
-- ARGV[3] number of message ids n     ARGV[4..3+n] message ids
-- ARGV[4+n..] claim ids (when filtering)
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed of the queue
-- (reads claims). Unknown ids are ignored; returns how many went.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local filter = ARGV[2] == '1'
local n = tonumber(ARGV[3])
local allowed = {}
if filter then
  for i = 4 + n, #ARGV do
    if live_claim(K, ARGV[i], now) then
      allowed[ARGV[i]] = true
    end
  end
end
local ids = {}
for i = 4, 3 + n do
  ids[#ids + 1] = ARGV[i]
end
if #ids == 0 then
  return 0
end
local records = fetch(K.msgs, ids)
local doomed = {}
for i, id in ipairs(ids) do
  local raw = records[i]
  if raw then
    local ok = true
    if filter then
      local info = decode(raw)
      ok = allowed[info[CLAIM]] == true and is_claimed(info, now)
    end
    if ok then
      doomed[#doomed + 1] = id
    end
  end
end
drop_many(K, doomed)
return #doomed
