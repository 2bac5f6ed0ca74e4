-- message_bulk_delete.lua: delete many messages whatever their claim, or
-- only those held by one of the given live claims.
--
-- KEYS[1..15]  the queue's standard keys (lib.lua)
-- ARGV[1] now     ARGV[2] '1' to filter by claims, else '0'
-- ARGV[3] number of message ids n     ARGV[4..3+n] message ids
-- ARGV[4+n..] claim ids (when filtering)
--
-- Touches: msgs, bodies, ids, exp, avail, delayed, claimed of the queue
-- (reads claims). Unknown ids are ignored; returns how many went.
local K = queue_keys(KEYS)
local now = tonumber(ARGV[1])
local filter = ARGV[2] == '1'
local n = tonumber(ARGV[3])
local allowed = {}
if filter then
  for i = 4 + n, #ARGV do
    if live_claim(K, ARGV[i], now) then
      allowed[ARGV[i]] = true
    end
  end
end
local removed = 0
for i = 4, 3 + n do
  local id = ARGV[i]
  local raw = redis.call('HGET', K.msgs, id)
  if raw then
    local ok = true
    if filter then
      local info = cjson.decode(raw)
      ok = allowed[info[CLAIM]] == true and is_claimed(info, now)
    end
    if ok then
      drop(K, id)
      removed = removed + 1
    end
  end
end
return removed
