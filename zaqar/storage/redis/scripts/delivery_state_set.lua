-- delivery_state_set.lua: set one field of a subscription's delivery
-- state (secret or trust id), creating the state if missing.
--
-- KEYS[1] the queue's outbox state key
-- ARGV[1] subscription id     ARGV[2] position (1 secret, 2 trust id)
-- ARGV[3] '1' to clear the field, else '0'     ARGV[4] the value
--
-- Touches: state. Returns 1.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local state = {cjson.null, cjson.null, 0, cjson.null, cjson.null}
if raw then
  state = cjson.decode(raw)
end
if ARGV[3] == '1' then
  state[tonumber(ARGV[2])] = cjson.null
else
  state[tonumber(ARGV[2])] = ARGV[4]
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(state))
return 1
