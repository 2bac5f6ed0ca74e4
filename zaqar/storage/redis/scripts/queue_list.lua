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

-- queue_list.lua: one page of a project's queue names in byte order, or
-- their count.
--
-- KEYS[1] the project's queue index (ZSET, all scores 0)
-- ARGV[1] marker ('' = from the start; exclusive)     ARGV[2] limit
-- ARGV[3] substring every name must contain ('' = any; plain, case-
--         sensitive)
-- ARGV[4] '1' = also return each queue's metadata
-- ARGV[5] '1' = only count the matching names
-- ARGV[6] the project's queue key prefix ("zq:{#project}:q:"), to read
--         each listed queue's rec (same slot)
--
-- Read-only. Returns {count} when counting, else {name1, meta1, ...} with
-- meta '' unless asked for.
local low = '-'
if ARGV[1] ~= '' then
  low = '(' .. ARGV[1]
end
local limit = tonumber(ARGV[2])
local needle = ARGV[3]
local detailed, counting = ARGV[4] == '1', ARGV[5] == '1'
if needle == '' and counting then
  return {redis.call('ZCARD', KEYS[1])}
end
local out, found = {}, 0
local chunk = 200
while counting or found < limit do
  local batch = redis.call('ZRANGEBYLEX', KEYS[1], low, '+', 'LIMIT', 0,
                           chunk)
  for _, name in ipairs(batch) do
    low = '(' .. name
    if needle == '' or string.find(name, needle, 1, true) then
      found = found + 1
      if not counting then
        out[#out + 1] = name
        if detailed then
          out[#out + 1] = redis.call('HGET', ARGV[6] .. name .. ':rec', 'm')
                          or '{}'
        else
          out[#out + 1] = ''
        end
        if found == limit then
          break
        end
      end
    end
  end
  if #batch < chunk then
    break
  end
end
if counting then
  return {found}
end
return out
