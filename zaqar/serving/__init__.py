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

Chosen by measurement (``tools/bench-serving``: zaqar-bench, 8
connections, 8 s per round, A/B alternated, the same application on one
Redis, 2 processes each, on the 2-core build machine). Threads per process
matter most: one thread per process ran single-message posts ~15% faster
than eight on a quiet machine (~2,300/s against ~1,800-2,040/s; uWSGI
1,980-2,120/s), so ``[drivers:transport:wsgi] threads`` defaults to 1 and
``workers`` to one per core. Rounds of 2026-12-04, machine shared with
other work (100% busy), messages/s:

=====================  ======================  =====================
server (2 processes)   post1 (3 rounds)        post10 (3 rounds)
=====================  ======================  =====================
zaqar-server           1320, 1312, 867         5102, 7647, 6900
uWSGI --http-socket    997, 745, 564           8106, 4243, 6864
gunicorn gthread x8    1249, 1189, 876         6920, 8211, 5825
=====================  ======================  =====================

p99 of post1 in the same rounds: 16-23 ms here, 26-60 ms uWSGI. The previous
default (gunicorn gthread, one worker) froze for 30 s behind 8 silent
connections; this one answers in milliseconds beside 1,000 slow and 1,000
idle ones (tests/hostile/test_slow_clients.py).
"""
