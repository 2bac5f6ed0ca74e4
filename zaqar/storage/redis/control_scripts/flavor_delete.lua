-- Remove a flavor and clear it from its pools.
--
-- KEYS[1]  pools         ZSET of pool names
-- KEYS[2]  flavors       ZSET of flavor names
-- KEYS[3]  flavor:<name> HASH of the flavor
-- ARGV[1]  name
-- ARGV[2]  key prefix ("<ns>:") of the pool:<pool> HASHes
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
for _, pool in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local key = ARGV[2] .. 'pool:' .. pool
    if redis.call('HGET', key, 'flavor') == ARGV[1] then
        redis.call('HDEL', key, 'flavor')
    end
end
return 1
