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

"""Serve an in-memory MongoDB-wire emulator (mongoeco) until SIGTERM.

Usage: python3.13 launcher.py URI_FILE

Listens on 127.0.0.1 on a free port and writes the connection URI to
URI_FILE once it accepts connections, so a caller can poll for the file.
"""

import asyncio
import os
import signal
import sys

from mongoeco.engines.memory import MemoryEngine
from mongoeco.wire.proxy import AsyncMongoEcoProxyServer


def _publish(uri_file: str, uri: str) -> None:
    """Write then rename: a reader never sees a half-written URI."""
    partial = uri_file + '.tmp'
    with open(partial, 'w', encoding='utf-8') as out:
        out.write(uri + '\n')
    os.replace(partial, uri_file)


async def serve(uri_file: str) -> None:
    """Run the proxy; the URI file appears only when it is ready."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    proxy = AsyncMongoEcoProxyServer(engine=MemoryEngine(),
                                     host='127.0.0.1', port=0)
    await proxy.start()
    try:
        _publish(uri_file, proxy.address.uri)
        await stop.wait()
    finally:
        await proxy.close()
        try:
            os.unlink(uri_file)
        except FileNotFoundError:
            pass


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: launcher.py URI_FILE')
    asyncio.run(serve(sys.argv[1]))
