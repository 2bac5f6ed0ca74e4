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

-- message_delete.lua: delete one message, honouring its claim.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] message id     ARGV[3] claim id ('' = none)
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed of the queue
-- (reads claims). Checks in the storage contract's order and returns:
--   0 missing or expired message (nothing done)   1 deleted
--   2 the claim is missing or expired             3 message not claimed
--   4 message held by another claim               5 message is claimed
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local id, cid = ARGV[2], ARGV[3]
local raw = redis.call('HGET', K.msgs, id)
if not raw then
  return 0
end
local info = decode(raw)
if not is_live(info, now) then
  return 0
end
if cid ~= '' then
  if not live_claim(K, cid, now) then
    return 2
  end
  if not is_claimed(info, now) then
    return 3
  end
  if info[CLAIM] ~= cid then
    return 4
  end
elseif is_claimed(info, now) then
  return 5
end
drop(K, id)
return 1
