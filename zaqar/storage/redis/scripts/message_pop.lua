-- message_pop.lua: remove and return up to `limit` oldest free messages.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- KEYS[16]     the call's token: holds the popped messages for a while, so
--              a retried call (ARGV[3] == '1') gets the same answer
-- ARGV[1] now     ARGV[2] limit     ARGV[3] '1' on a retry, else '0'
-- ARGV[4] token lifetime (ms)
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed of the queue,
-- the token key. Returns a flat list of {id, record, body}.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if ARGV[3] == '1' then
  local saved = redis.call('GET', KEYS[16])
  if saved then
    return cjson.decode(saved)
  end
end
purge_messages(K, now, 100)
settle(K, now)
local out, taken = {}, 0
while taken < limit do
  local batch = redis.call('ZRANGE', K.avail, 0, limit - taken - 1)
  if #batch == 0 then
    break
  end
  for _, id in ipairs(batch) do
    local raw = redis.call('HGET', K.msgs, id)
    if not raw then
      redis.call('ZREM', K.avail, id)
    else
      local info = cjson.decode(raw)
      if not is_live(info, now) then
        drop(K, id)
      elseif info[DELAY] > now then
        redis.call('ZREM', K.avail, id)
        redis.call('ZADD', K.delayed, info[DELAY], id)
      else
        out[#out + 1] = id
        out[#out + 1] = raw
        out[#out + 1] = redis.call('HGET', K.bodies, id)
        drop(K, id)
        taken = taken + 1
      end
    end
  end
end
if taken > 0 then
  redis.call('SET', KEYS[16], cjson.encode(out), 'PX', ARGV[4])
end
return out
