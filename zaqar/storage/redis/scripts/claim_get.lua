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

-- claim_get.lua: a live claim and the live messages it still holds.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua); reads claims, msgs,
--              bodies only (read-only script)
-- ARGV[1] now     ARGV[2] claim id
--
-- Returns {} when the claim is missing or expired, else
-- {ttl, renewed-at, id1, record1, body1, id2, ...}.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local claim = live_claim(K, ARGV[2], now)
if not claim then
  return {}
end
return claim_messages(K, claim, ARGV[2], now,
                      {tostring(claim[1]), tostring(claim[2])})
