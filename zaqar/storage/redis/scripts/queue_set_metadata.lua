-- queue_set_metadata.lua: replace an existing queue's metadata.
--
-- KEYS[1] the queue's rec
-- ARGV[1] metadata (JSON object text)
-- ARGV[2] _max_claim_count   ARGV[3] _dead_letter_queue
-- ARGV[4] _dead_letter_queue_messages_ttl   ('' = not set, for 2..4)
--
-- Touches: rec (m, mcc, dlq, dlttl). Returns 1, or 0 if the queue is
-- missing (nothing is created).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'm', ARGV[1])
local fields = {'mcc', 'dlq', 'dlttl'}
for i = 1, 3 do
  if ARGV[1 + i] ~= '' then
    redis.call('HSET', KEYS[1], fields[i], ARGV[1 + i])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
return 1
