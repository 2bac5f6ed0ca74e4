-- sub_delete.lua: remove a subscription (idempotent).
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- KEYS[4] the queue's outbox state key
-- ARGV[1] subscription id
--
-- Touches: subs, suburi, subexp, and state (the subscription's delivery
-- state goes with it; pending deliveries stay, their worker finds the
-- subscription gone). Returns 1 if it existed.
local sid = ARGV[1]
redis.call('HDEL', KEYS[4], sid)
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
