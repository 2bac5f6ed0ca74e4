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

-- claim_delete.lua: release a claim; its messages are free at once.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] claim id
--
-- Touches: claims, cexp, msgs, claimed, avail of the queue. Lifetimes the
-- claim raised stay raised. Idempotent; returns the number released.
local K = queue_keys(KEYS)
local cid = ARGV[2]
local raw_claim = redis.call('HGET', K.claims, cid)
if not raw_claim then
  return 0
end
local ids = cjson.decode(raw_claim)[5]
local updates, freed, back = {}, {}, {}
if #ids > 0 then
  local records = fetch(K.msgs, ids)
  for i, id in ipairs(ids) do
    local raw = records[i]
    if raw then
      local info = decode(raw)
      if info[CLAIM] == cid then
        info[CLAIM], info[CLAIM_EXP] = '', 0
        updates[#updates + 1] = id
        updates[#updates + 1] = encode(info)
        freed[#freed + 1] = id
        back[#back + 1] = info[SEQ]
        back[#back + 1] = id
      end
    end
  end
end
variadic('HSET', K.msgs, updates)
variadic('ZREM', K.claimed, freed)
variadic('ZADD', K.avail, back)
redis.call('HDEL', K.claims, cid)
redis.call('ZREM', K.cexp, cid)
return #freed
