-- queue_purge.lua: delete every message and claim of a queue, keeping its
-- record (metadata, seq) and subscriptions.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV: none
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed, claims, cexp
-- (UNLINK). Returns the number of messages that were stored.
local K = queue_keys(KEYS)
local count = redis.call('ZCARD', K.ids)
redis.call('UNLINK', K.msgs, K.bodies, K.ids, K.exp, K.avail, K.delayed,
           K.claimed, K.claims, K.cexp)
return count
