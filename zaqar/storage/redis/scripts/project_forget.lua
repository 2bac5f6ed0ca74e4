-- Licensed under the Apache License, Version 2.0 (the "License"); you may
-- not use this file except in compliance with the License. You may obtain
-- a copy of the License at
--
--      http://www.apache.org/licenses/LICENSE-2.0
--
-- Unless required by applicable law or agreed to in writing, software
-- distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
-- WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
-- License for the specific language governing permissions and limitations
-- under the License.

-- project_forget.lua: drop a project without queues from the gc index.
--
-- KEYS[1] the driver's project index (zq:projects)
-- KEYS[2] the project's queue index     KEYS[3] its topic index
-- ARGV[1] project
--
-- Touches: the project index. Returns 1 if the project was dropped.
if redis.call('ZCARD', KEYS[2]) > 0 or
   redis.call('ZCARD', KEYS[3]) > 0 then
  return 0
end
return redis.call('SREM', KEYS[1], ARGV[1])
