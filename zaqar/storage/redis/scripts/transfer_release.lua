-- transfer_release.lua: give held copies (a queue being moved here) their
-- own delay back; messages no longer stored are skipped.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2..] pairs of: message id, delay_until
--
-- Touches: msgs, avail, delayed (a claimed message stays in "claimed").
-- Returns the number of messages released.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local released = 0
for i = 2, #ARGV, 2 do
  local id, delay_until = ARGV[i], tonumber(ARGV[i + 1])
  local raw = redis.call('HGET', K.msgs, id)
  if raw then
    local info = decode(raw)
    info[DELAY] = delay_until
    redis.call('HSET', K.msgs, id, encode(info))
    if redis.call('ZREM', K.delayed, id) == 1 then
      if delay_until > now then
        redis.call('ZADD', K.delayed, delay_until, id)
      else
        redis.call('ZADD', K.avail, info[SEQ], id)
      end
    end
    released = released + 1
  end
end
return released
