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

-- sub_list.lua: one page of a queue's live subscriptions ordered by id.
--
-- KEYS[1] subs     KEYS[3] subexp   (KEYS[2] suburi, unused)
-- ARGV[1] now      ARGV[2] marker id ('' = from the start; exclusive)
-- ARGV[3] limit
--
-- Read-only. Returns {id1, record1, id2, record2, ...}.
local now = tonumber(ARGV[1])
local marker, limit = ARGV[2], tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. now, '+inf')
table.sort(ids)
local out, found = {}, 0
for _, sid in ipairs(ids) do
  if found == limit then
    break
  end
  if marker == '' or sid > marker then
    local raw = redis.call('HGET', KEYS[1], sid)
    if raw then
      out[#out + 1] = sid
      out[#out + 1] = raw
      found = found + 1
    end
  end
end
return out
