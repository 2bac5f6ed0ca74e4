-- project_forget.lua: drop a project without queues from the gc index.
--
-- KEYS[1] the driver's project index (zq:projects)
-- KEYS[2] the project's queue index
-- ARGV[1] project
--
-- Touches: the project index. Returns 1 if the project was dropped.
if redis.call('ZCARD', KEYS[2]) > 0 then
  return 0
end
return redis.call('SREM', KEYS[1], ARGV[1])
