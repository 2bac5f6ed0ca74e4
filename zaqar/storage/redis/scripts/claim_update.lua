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

-- claim_update.lua: renew a live claim (age 0, new ttl) and raise the
-- lifetimes of the messages it holds to now + ttl + grace.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] claim id     ARGV[3] ttl     ARGV[4] grace
--
-- Touches: claims, cexp, msgs, claimed, exp of the queue.
-- Returns 1, or 0 when the claim is missing or expired.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local cid = ARGV[2]
local ttl, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
local claim = live_claim(K, cid, now)
if not claim then
  return 0
end
local expires = now + ttl
local held, updates, claimed, lifetimes = {}, {}, {}, {}
if #claim[5] > 0 then
  local records = fetch(K.msgs, claim[5])
  for i, id in ipairs(claim[5]) do
    local raw = records[i]
    if raw then
      local info = decode(raw)
      if info[CLAIM] == cid and is_claimed(info, now)
          and is_live(info, now) then
        info[CLAIM_EXP] = expires
        if raise_lifetime(info, expires + grace) then
          lifetimes[#lifetimes + 1] = expires_at(info)
          lifetimes[#lifetimes + 1] = id
        end
        updates[#updates + 1] = id
        updates[#updates + 1] = encode(info)
        claimed[#claimed + 1] = expires
        claimed[#claimed + 1] = id
        held[#held + 1] = id
      end
    end
  end
end
variadic('HSET', K.msgs, updates)
variadic('ZADD', K.claimed, claimed)
variadic('ZADD', K.exp, lifetimes)
redis.call('HSET', K.claims, cid,
           cjson.encode({ttl, now, expires, grace, held}))
redis.call('ZADD', K.cexp, expires, cid)
return 1
