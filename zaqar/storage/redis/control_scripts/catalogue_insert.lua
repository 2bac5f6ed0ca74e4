-- Place a queue on a pool unless it is placed already.
--
-- KEYS[1]  catalogue:<project>      HASH queue -> pool
-- KEYS[2]  pool-queues:<pool>       SET of "<project>\n<queue>"
-- KEYS[3]  project-pools:<project>  HASH pool -> number of queues
-- ARGV[1]  queue name
-- ARGV[2]  pool name
-- ARGV[3]  "<project>\n<queue>"
--
-- Returns the pool holding the queue after the call.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
    return current
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
return ARGV[2]
