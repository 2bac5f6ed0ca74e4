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

-- lib.lua: helpers shared by every script of the Redis data driver.
--
-- zaqar/storage/redis/scripts.py prepends this file to each script before
-- SCRIPT LOAD, so every function here is a local of the script using it.
-- It touches only keys handed to it by the calling script.
--
-- Per-queue keys (see keys.py; all share the project's hash tag):
--   rec      HASH  m (metadata JSON), seq (counter), mcc, dlq, dlttl
--   msgs     HASH  message id -> record (MessagePack array, fields below)
--   bodies   HASH  message id -> body (JSON text, never decoded here)
--   ids      ZSET  message id -> seq          every stored message
--   exp      ZSET  message id -> expires      every stored message
--   avail    ZSET  message id -> seq          neither delayed nor claimed
--   delayed  ZSET  message id -> delay_until  not yet visible
--   claimed  ZSET  message id -> claim expiry held by a (maybe dead) claim
--   claims   HASH  claim id -> [ttl, renewed, expires, grace, [ids]]
--   cexp     ZSET  claim id -> expires
--   subs     HASH  subscription id -> [subscriber, ttl, options, confirmed,
--                                      created]
--   suburi   HASH  subscriber URI -> subscription id
--   subexp   ZSET  subscription id -> expires
--   dd       HASH  dedup_id -> id of the message first posted with it
--   ddx      ZSET  dedup_id -> when it is forgotten (post + _dedup_window)
--   gl       HASH  FIFO group -> id of the message that last took the
--                  group in a claim (it holds the group while claimed)
-- dd, ddx and gl are not in KEYS: scripts derive them from rec (same hash
-- tag, same slot), so scripts that never use them keep their KEYS layout.
-- followed by the project's queue index (KEYS[11]) and, as KEYS[15], the
-- driver's project index (zq:projects, the gc index): a script that
-- creates a queue adds the project to it, the only key of another slot it
-- touches besides the outbox.
--
-- The notification outbox (keys.py; hash tag {outbox}, shared by every
-- project):
--   pend     SET   delivery ids of one queue not yet settled
--   state    HASH  subscription id -> [secret, trust_id, failed,
--                                      last_error, last_failure_at]
--   dlv      HASH  delivery id -> [project, queue, subscription id, kind,
--                                  attempts, created, lease, last_error,
--                                  escaped project, scope]
--            (scope 'topic': its pend and state keys are tpend, tstate;
--            records written before scopes have 9 fields: a queue's)
--   body     HASH  delivery id -> payload (JSON text)
--   due      ZSET  delivery id -> due time (lease end while leased)
--   pdue     ZSET  the same, for one project only
--   seq      STRING counter; delivery ids are its values in fixed-width hex
--
-- "avail", "delayed" and "claimed" are settled lazily: a delay that ran out
-- or a claim that expired moves its message to "avail" at the next write
-- that needs it (settle()); readers decide from the record and `now`.

-- Positions in a message record.
local SEQ, CREATED, TTL, DELAY, CLIENT, CHECKSUM = 1, 2, 3, 4, 5, 6
local CLAIM, CLAIM_EXP, CLAIM_COUNT = 7, 8, 9
-- Optional (records written before them have 9 fields): '' = none.
local DEDUP, GROUP = 10, 11

-- Largest argument count handed to one variadic command.
local CHUNK = 1000

-- The standard KEYS layout of a queue script, as a table.
local function queue_keys(k)
  return {rec = k[1], msgs = k[2], bodies = k[3], ids = k[4], exp = k[5],
          avail = k[6], delayed = k[7], claimed = k[8], claims = k[9],
          cexp = k[10], queues = k[11], subs = k[12], suburi = k[13],
          subexp = k[14], projects = k[15]}
end

-- The outbox KEYS of a script, from position `at` on.
local function outbox_keys(k, at)
  return {pend = k[at], state = k[at + 1], dlv = k[at + 2],
          body = k[at + 3], due = k[at + 4], pdue = k[at + 5],
          seq = k[at + 6]}
end

-- A queue's key named `suffix` that is not in KEYS (dd, ddx, gl).
local function extra_key(K, suffix)
  return string.sub(K.rec, 1, -4) .. suffix
end

-- The FIFO group of a message record, or nil.
local function group_of(info)
  local group = info[GROUP]
  if group == nil or group == '' then
    return nil
  end
  return group
end

-- The same layout for a queue named at run time (dead-letter target).
local function derived_keys(prefix, queues, projects)
  local k = {}
  for i, suffix in ipairs({'rec', 'msgs', 'bodies', 'ids', 'exp', 'avail',
                           'delayed', 'claimed', 'claims', 'cexp'}) do
    k[i] = prefix .. suffix
  end
  k[11] = queues
  for i, suffix in ipairs({'subs', 'suburi', 'subexp'}) do
    k[11 + i] = prefix .. suffix
  end
  k[15] = projects
  return queue_keys(k)
end

-- Run `cmd key a1 a2 ...` in slices so huge batches never overflow unpack;
-- returns the reply of the last slice (HMGET: use fetch() instead).
local function variadic(cmd, key, args)
  for i = 1, #args, CHUNK do
    redis.call(cmd, key, unpack(args, i, math.min(i + CHUNK - 1, #args)))
  end
end

-- HMGET of any number of fields, in slices; missing ones are false.
local function fetch(key, fields)
  local out = {}
  for i = 1, #fields, CHUNK do
    local part = redis.call('HMGET', key,
                            unpack(fields, i, math.min(i + CHUNK - 1,
                                                       #fields)))
    for j = 1, #part do
      out[#out + 1] = part[j]
    end
  end
  return out
end

local function decode(raw)
  return cmsgpack.unpack(raw)
end

local function encode(info)
  return cmsgpack.pack(info)
end

local function expires_at(info)
  return info[CREATED] + info[TTL]
end

local function is_live(info, now)
  return info[CREATED] + info[TTL] > now
end

local function is_claimed(info, now)
  return info[CLAIM] ~= '' and info[CLAIM_EXP] > now
end

-- Raise a message's lifetime so it lives at least until `need`. The ttl
-- becomes fractional (exact expiry); readers report it rounded.
local function raise_lifetime(info, need)
  if info[CREATED] + info[TTL] < need then
    info[TTL] = need - info[CREATED]
    return true
  end
  return false
end

-- Whether `group` is held by a live claim on a message other than `id`:
-- the message gl names is still claimed. A stale entry is left for the
-- next taker to overwrite.
local function group_held(K, gl, group, id, now)
  local holder = redis.call('HGET', gl, group)
  if not holder or holder == id then
    return false
  end
  local raw = redis.call('HGET', K.msgs, holder)
  if not raw then
    return false
  end
  local info = decode(raw)
  return is_claimed(info, now) and is_live(info, now)
end

-- Create the queue record (empty metadata) if missing; true if created.
local function ensure_queue(K, name, project)
  if redis.call('EXISTS', K.rec) == 1 then
    return false
  end
  redis.call('HSET', K.rec, 'm', '{}')
  redis.call('ZADD', K.queues, 0, name)
  redis.call('SADD', K.projects, project)
  return true
end

-- Remove messages from every structure of their queue.
local function drop_many(K, ids)
  if #ids == 0 then
    return
  end
  variadic('HDEL', K.msgs, ids)
  variadic('HDEL', K.bodies, ids)
  for _, set in ipairs({K.ids, K.exp, K.avail, K.delayed, K.claimed}) do
    variadic('ZREM', set, ids)
  end
end

local function drop(K, id)
  drop_many(K, {id})
end

-- Remove up to `max` expired messages; returns how many went.
local function purge_messages(K, now, max)
  local ids = redis.call('ZRANGEBYSCORE', K.exp, '-inf', now,
                         'LIMIT', 0, max)
  drop_many(K, ids)
  return #ids
end

-- Remove up to `max` expired claim records; returns how many went.
local function purge_claims(K, now, max)
  local ids = redis.call('ZRANGEBYSCORE', K.cexp, '-inf', now,
                         'LIMIT', 0, max)
  if #ids > 0 then
    variadic('HDEL', K.claims, ids)
    variadic('ZREM', K.cexp, ids)
  end
  return #ids
end

-- Move messages whose delay passed or whose claim expired to "avail".
local function settle(K, now)
  for _, set in ipairs({K.delayed, K.claimed}) do
    local due = redis.call('ZRANGEBYSCORE', set, '-inf', now)
    if #due > 0 then
      local back = {}
      for _, id in ipairs(due) do
        local seq = redis.call('ZSCORE', K.ids, id)
        if seq then
          back[#back + 1] = seq
          back[#back + 1] = id
        end
      end
      variadic('ZREM', set, due)
      variadic('ZADD', K.avail, back)
    end
  end
end

-- Append {id, record, body} of each of `ids` (with their `raws`) to `out`.
local function emit(K, ids, raws, out)
  if #ids == 0 then
    return out
  end
  local bodies = fetch(K.bodies, ids)
  for i, id in ipairs(ids) do
    out[#out + 1] = id
    out[#out + 1] = raws[i]
    out[#out + 1] = bodies[i]
  end
  return out
end

-- {id, record, body} of each message of claim `cid` still held by it.
local function claim_messages(K, claim, cid, now, out)
  local ids, raws = {}, {}
  if #claim[5] > 0 then
    local records = fetch(K.msgs, claim[5])
    for i, id in ipairs(claim[5]) do
      local raw = records[i]
      if raw then
        local info = decode(raw)
        if info[CLAIM] == cid and is_claimed(info, now)
            and is_live(info, now) then
          ids[#ids + 1] = id
          raws[#raws + 1] = raw
        end
      end
    end
  end
  return emit(K, ids, raws, out)
end

-- A live claim record, or nil when missing or expired.
local function live_claim(K, cid, now)
  local raw = redis.call('HGET', K.claims, cid)
  if not raw then
    return nil
  end
  local claim = cjson.decode(raw)
  if claim[3] <= now then
    return nil
  end
  return claim
end

-- Enqueue a delivery per message and live subscription of the queue.
-- `items` is a list of {id, body (JSON text), ttl (text), delay, checksum
-- ('' = none), optional dedup_id and group ('' or nil = none)}; `trace` (nil = none) is the post's W3C traceparent, put
-- in each payload. Returns how many deliveries were added.
local function fan_out(K, O, now, project, escaped, queue, items, trace,
                       scope)
  local subs = redis.call('ZRANGEBYSCORE', K.subexp, '(' .. now, '+inf')
  if #subs == 0 or #items == 0 then
    return 0
  end
  local total = #subs * #items
  local seq = redis.call('INCRBY', O.seq, total) - total
  for _, item in ipairs(items) do
    local payload = '{"id":' .. cjson.encode(item[1]) .. ',"body":' ..
                    item[2] .. ',"ttl":' .. item[3]
    if item[5] ~= '' then
      payload = payload .. ',"checksum":' .. cjson.encode(item[5])
    end
    if item[6] and item[6] ~= '' then
      payload = payload .. ',"dedup_id":' .. cjson.encode(item[6])
    end
    if item[7] and item[7] ~= '' then
      payload = payload .. ',"group":' .. cjson.encode(item[7])
    end
    if trace then
      payload = payload .. ',"traceparent":' .. cjson.encode(trace)
    end
    payload = payload .. '}'
    local due = now + item[4]
    for _, sid in ipairs(subs) do
      seq = seq + 1
      local did = string.format('%016x', seq)
      redis.call('HSET', O.dlv, did, cjson.encode(
        {project, queue, sid, 'message', 0, now, '', '', escaped,
         scope or 'queue'}))
      redis.call('HSET', O.body, did, payload)
      redis.call('ZADD', O.due, due, did)
      redis.call('ZADD', O.pdue, due, did)
      redis.call('SADD', O.pend, did)
    end
  end
  return total
end
