-- queue_delete.lua: delete a queue with its messages, claims and
-- subscriptions.
--
-- KEYS[1..14]  the queue's standard keys (lib.lua)
-- ARGV[1] queue name
--
-- Touches: every key of the queue (UNLINK: big values are freed in the
-- background, so this is O(1) for the server's main thread) and the
-- project's queue index. Idempotent; returns 1 if the record existed.
local K = queue_keys(KEYS)
local existed = redis.call('EXISTS', K.rec)
redis.call('UNLINK', K.rec, K.msgs, K.bodies, K.ids, K.exp, K.avail,
           K.delayed, K.claimed, K.claims, K.cexp, K.subs, K.suburi,
           K.subexp)
redis.call('ZREM', K.queues, ARGV[1])
return existed
