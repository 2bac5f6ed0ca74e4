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
local held = {}
for _, id in ipairs(claim[5]) do
  local raw = redis.call('HGET', K.msgs, id)
  if raw then
    local info = cjson.decode(raw)
    if info[CLAIM] == cid and is_claimed(info, now)
        and is_live(info, now) then
      info[CLAIM_EXP] = expires
      if raise_lifetime(info, expires + grace) then
        redis.call('ZADD', K.exp, expires_at(info), id)
      end
      redis.call('HSET', K.msgs, id, cjson.encode(info))
      redis.call('ZADD', K.claimed, expires, id)
      held[#held + 1] = id
    end
  end
end
if #held == 0 then
  held = claim[5]
end
redis.call('HSET', K.claims, cid,
           cjson.encode({ttl, now, expires, grace, held}))
redis.call('ZADD', K.cexp, expires, cid)
return 1
