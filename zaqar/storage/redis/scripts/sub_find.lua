-- sub_find.lua: the live subscription of a subscriber URI on a queue.
--
-- KEYS[1] subs     KEYS[2] suburi     KEYS[3] subexp   (of the queue)
-- ARGV[1] now      ARGV[2] subscriber URI
--
-- Read-only. Returns {id, record} or {} when there is none.
local now = tonumber(ARGV[1])
local sid = redis.call('HGET', KEYS[2], ARGV[2])
if not sid then
  return {}
end
local expires = redis.call('ZSCORE', KEYS[3], sid)
local raw = redis.call('HGET', KEYS[1], sid)
if not raw or not expires or tonumber(expires) <= now then
  return {}
end
return {sid, raw}
