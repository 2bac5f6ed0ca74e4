-- claim_delete.lua: release a claim; its messages are free at once.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] claim id
--
-- Touches: claims, cexp, msgs, claimed, avail of the queue. Lifetimes the
-- claim raised stay raised. Idempotent; returns the number released.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local cid = ARGV[2]
local raw_claim = redis.call('HGET', K.claims, cid)
if not raw_claim then
  return 0
end
local released = 0
for _, id in ipairs(cjson.decode(raw_claim)[5]) do
  local raw = redis.call('HGET', K.msgs, id)
  if raw then
    local info = cjson.decode(raw)
    if info[CLAIM] == cid then
      info[CLAIM], info[CLAIM_EXP] = '', 0
      redis.call('HSET', K.msgs, id, cjson.encode(info))
      redis.call('ZREM', K.claimed, id)
      redis.call('ZADD', K.avail, info[SEQ], id)
      released = released + 1
    end
  end
end
redis.call('HDEL', K.claims, cid)
redis.call('ZREM', K.cexp, cid)
return released
