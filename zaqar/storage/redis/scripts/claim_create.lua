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

-- claim_create.lua: claim up to `limit` oldest free messages.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now         ARGV[2] claim id     ARGV[3] claim ttl
-- ARGV[4] grace       ARGV[5] limit        ARGV[6] queue name
-- ARGV[7] the project's queue key prefix ("zq:{#project}:q:"), used to
--         derive the dead-letter queue's keys (same project, same slot)
-- ARGV[8] project
--
-- Touches: msgs, bodies, avail, delayed, claimed, exp, claims, cexp of the
-- queue (and drops expired messages/claims met on the way), gl when it
-- meets messages of a FIFO group (lib.lua); when the queue
-- dead-letters (rec fields mcc and dlq), the target queue's rec, msgs,
-- bodies, ids, exp, avail and the project and queue indexes.
-- A claim id that already exists answers with that claim's messages (the
-- call is a retry of one that succeeded).
-- Returns {number of messages moved to the dead-letter queue, then a flat
-- list of id, record, body of each claimed message}.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local cid = ARGV[2]
local ttl, grace, limit = tonumber(ARGV[3]), tonumber(ARGV[4]),
                          tonumber(ARGV[5])
local name, prefix, project = ARGV[6], ARGV[7], ARGV[8]

local existing = redis.call('HGET', K.claims, cid)
if existing then
  return claim_messages(K, cjson.decode(existing), cid, now, {0})
end

purge_messages(K, now, 100)
purge_claims(K, now, 100)
settle(K, now)

local conf = redis.call('HMGET', K.rec, 'mcc', 'dlq', 'dlttl')
local max_claims, dlq = tonumber(conf[1]), conf[2]
local dlq_ttl = tonumber(conf[3])
local dead = max_claims ~= nil and dlq and dlq ~= '' and dlq ~= name
local D = nil

local expires = now + ttl
local need = expires + grace
local held, raws = {}, {}
local buried = 0

-- Move one message (already read) to the dead-letter queue, same id.
local function bury(id, info)
  local body = redis.call('HGET', K.bodies, id)
  drop(K, id)
  if D == nil then
    D = derived_keys(prefix .. dlq .. ':', K.queues, K.projects)
  end
  ensure_queue(D, dlq, project)
  local seq = redis.call('HINCRBY', D.rec, 'seq', 1)
  info[SEQ], info[DELAY] = seq, 0
  info[CLAIM], info[CLAIM_EXP] = '', 0
  if dlq_ttl then
    info[TTL] = now + dlq_ttl - info[CREATED]
  end
  redis.call('HSET', D.msgs, id, encode(info))
  redis.call('HSET', D.bodies, id, body)
  redis.call('ZADD', D.ids, seq, id)
  redis.call('ZADD', D.exp, expires_at(info), id)
  redis.call('ZADD', D.avail, seq, id)
  buried = buried + 1
end

-- FIFO groups (lib.lua gl): a message of a group is claimable when no
-- other message holds the group under a live claim, and a claim takes at
-- most one message per group; the first met in seq order is the oldest
-- free one. Messages of a group left behind stay in "avail": the scan
-- steps over them (`offset`), at most SCAN_MAX of them.
local SCAN_MAX = 1000
local gl, taken = nil, {}
local offset = 0

while #held < limit and offset < SCAN_MAX do
  local batch = redis.call('ZRANGE', K.avail, offset,
                           offset + limit - #held - 1)
  if #batch == 0 then
    break
  end
  local records = redis.call('HMGET', K.msgs, unpack(batch))
  local updates, claimed, lifetimes, gone = {}, {}, {}, {}
  for i, id in ipairs(batch) do
    local raw = records[i]
    local keep = false
    if raw then
      local info = decode(raw)
      local group = group_of(info)
      if not is_live(info, now) then
        drop(K, id)
      elseif info[DELAY] > now then
        redis.call('ZADD', K.delayed, info[DELAY], id)
      elseif group and (taken[group] or group_held(
          K, gl or extra_key(K, 'gl'), group, id, now)) then
        taken[group] = true
        keep = true
      elseif dead and info[CLAIM_COUNT] >= max_claims then
        if group then
          -- The next message of the group waits for the next claim.
          taken[group] = true
        end
        bury(id, info)
      else
        if group then
          gl = gl or extra_key(K, 'gl')
          redis.call('HSET', gl, group, id)
          taken[group] = true
        end
        info[CLAIM], info[CLAIM_EXP] = cid, expires
        info[CLAIM_COUNT] = info[CLAIM_COUNT] + 1
        if raise_lifetime(info, need) then
          lifetimes[#lifetimes + 1] = expires_at(info)
          lifetimes[#lifetimes + 1] = id
        end
        raw = encode(info)
        updates[#updates + 1] = id
        updates[#updates + 1] = raw
        claimed[#claimed + 1] = expires
        claimed[#claimed + 1] = id
        held[#held + 1] = id
        raws[#raws + 1] = raw
      end
    end
    if keep then
      offset = offset + 1
    else
      -- Claimed, buried, dropped or found delayed: out of "avail".
      gone[#gone + 1] = id
    end
  end
  variadic('ZREM', K.avail, gone)
  variadic('HSET', K.msgs, updates)
  variadic('ZADD', K.claimed, claimed)
  variadic('ZADD', K.exp, lifetimes)
end

if #held > 0 then
  redis.call('HSET', K.claims, cid,
             cjson.encode({ttl, now, expires, grace, held}))
  redis.call('ZADD', K.cexp, expires, cid)
end
return emit(K, held, raws, {buried})
