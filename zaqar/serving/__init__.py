# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""How zaqar-server serves the WSGI application to hostile networks.

gunicorn manages the processes (one per core by default, graceful stop on
SIGTERM); in each, uvicorn's event loop (uvloop, httptools) reads whole
requests (headers and body, each under its own deadline and size limit)
before a thread of a bounded pool runs the WSGI application on them
(:mod:`.bridge`). A slow, idle or silent client costs a socket and a
timer, never a thread; :mod:`.protocol` adds the deadlines, limits and JSON
refusals uvicorn lacks.

Chosen by measurement (``tools/bench-serving``: zaqar-bench ``post1``,
8 connections, 8 s per round, A/B alternated, the same application on one
Redis, 2 processes each, on the 2-core build machine). The machine was
shared and saturated by other work during every run (100% busy before the
benchmark started), so rounds vary widely; single-message posts/s per
round:

==========================  ==============================  ======
server (2 processes)        rounds (msgs/s)                 median
==========================  ==============================  ======
zaqar-server (this model)   349, 690, 247, 523, 185, 363    356
uWSGI --http-socket         371, 264, 111, 68, 87, 80       99
gunicorn gthread x8         615, 598, 115, 153, 324, 241    283
==========================  ==============================  ======

p99 in the same rounds: 33-178 ms here, 74-180 ms uWSGI. The previous
default (gunicorn gthread, one worker) froze for 30 s behind 8 silent
connections; this one answers in milliseconds beside 1,000 slow and 1,000
idle ones (tests/hostile/test_slow_clients.py).
"""
