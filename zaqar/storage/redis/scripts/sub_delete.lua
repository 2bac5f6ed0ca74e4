-- sub_delete.lua: remove a subscription (idempotent).
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- ARGV[1] subscription id
--
-- Touches: subs, suburi, subexp. Returns 1 if it existed.
local sid = ARGV[1]
local raw = redis.call('HGET', KEYS[1], sid)
if not raw then
  return 0
end
local uri = cjson.decode(raw)[1]
if redis.call('HGET', KEYS[2], uri) == sid then
  redis.call('HDEL', KEYS[2], uri)
end
redis.call('HDEL', KEYS[1], sid)
redis.call('ZREM', KEYS[3], sid)
return 1
