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

"""Wake-ups of long-polling readers shared by the drivers (``wait``).

``Hub`` is the in-process half every backend uses: the waiters of this
process by queue, fired by the backend's one listener (a single thread per
process and store, never one per waiting request).

``HostSignals`` is the whole mechanism for stores without a notification
channel of their own (SQLite, MariaDB/MySQL, MongoDB): the in-process hub
plus a directory of Unix datagram sockets, one per API process of this
host that has had a waiter, under ``$XDG_RUNTIME_DIR`` (or the temporary
directory) and a hash of the store's URI. ``notify`` fires the local hub
and sends one datagram ``project NUL queue`` to each socket in the
directory; a socket nobody reads any more (its process died) refuses the
datagram and is removed. Processes on other hosts are not reached: their
waiters see a post when their wait ends (the re-check), so deployments of
these stores over several hosts get long polling's savings but not its
latency; Redis and PostgreSQL reach every host.
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import logging
import os
import secrets
import socket
import tempfile
import threading
import weakref

from zaqar.storage import base

LOG = logging.getLogger(__name__)

Key = tuple[str, str]
# The largest datagram: a project id (256) and a queue name (64) in UTF-8.
_MAX_DATAGRAM = 4096
_STOP = b'\x00stop'


def encode(project: str, queue: str) -> bytes:
    """The wire form of a signal: ``project NUL queue`` in UTF-8."""
    return project.encode() + b'\x00' + queue.encode()


def decode(data: bytes) -> Key | None:
    project, sep, queue = data.partition(b'\x00')
    if not sep or not queue:
        return None
    try:
        return project.decode(), queue.decode()
    except UnicodeDecodeError:
        return None


class Hub:
    """The waiters of this process, by (project, queue)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[Key, set[base.Waiter]] = {}

    def add(self, project: str, queue: str,
            waiter: base.Waiter | None = None) -> base.Waiter:
        waiter = waiter or base.Waiter()
        key = (project, queue)
        with self._lock:
            self._waiters.setdefault(key, set()).add(waiter)
        waiter.on_close(lambda: self._discard(key, waiter))
        return waiter

    def _discard(self, key: Key, waiter: base.Waiter) -> None:
        with self._lock:
            waiters = self._waiters.get(key)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    del self._waiters[key]

    def fire(self, project: str, queue: str) -> int:
        """Wake the queue's waiters; how many there were."""
        with self._lock:
            waiters = list(self._waiters.get((project, queue), ()))
        for waiter in waiters:
            waiter.fire()
        return len(waiters)

    def fire_all(self) -> None:
        """Wake every waiter (the channel was lost: signals may be)."""
        with self._lock:
            waiters = [w for ws in self._waiters.values() for w in ws]
        for waiter in waiters:
            waiter.fire()

    def __len__(self) -> int:
        with self._lock:
            return sum(len(ws) for ws in self._waiters.values())


class Publisher:
    """Sends signals from one background thread, each pending key once.

    A request that posts only adds its (project, queue) to a set: the
    thread sends what piled up while it was busy in one batch, so a busy
    queue costs one signal per batch instead of one round trip per
    request (measured by tools/bench-layers: the inline publish was ~80 us
    of CPU and a second Redis round trip on every post and delete). The
    store has committed before the key is added, so a waiter that gets the
    signal finds the message; the delay is the thread's wake-up.
    """

    def __init__(self, send_batch, name: str):
        self._send_batch = send_batch
        self._name = name
        self._pending: set[Key] = set()
        self._cond = threading.Condition()
        self._owner = 0
        self._closed = False
        self._sending = False
        _PUBLISHERS.add(self)

    def add(self, project: str, queue: str) -> None:
        with self._cond:
            self._pending.add((project, queue))
            if self._owner != os.getpid():
                # First use in this process (or after a fork).
                self._owner = os.getpid()
                threading.Thread(target=self._run, name=self._name,
                                 daemon=True).start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, set()
                self._sending = True
            try:
                self._send(batch)
            finally:
                with self._cond:
                    self._sending = False
                    self._cond.notify_all()

    def _send(self, batch) -> None:
        try:
            self._send_batch(batch)
        except Exception:  # noqa: BLE001 - the sender logs its own
            LOG.debug('Sending %d signals failed', len(batch), exc_info=True)

    def flush(self, timeout: float = 2.0) -> None:
        """Send what is pending from the calling thread, after the batch
        the thread may be sending."""
        with self._cond:
            self._cond.wait_for(lambda: not self._sending, timeout)
            batch, self._pending = self._pending, set()
        if batch:
            self._send(batch)

    def close(self) -> None:
        """Send what is pending, then stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.flush()


# A process that exits right after a post still sends its signals.
_PUBLISHERS: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    for publisher in list(_PUBLISHERS):
        publisher.flush()


def runtime_directory(identity: str) -> str:
    """The socket directory of the store named by ``identity``."""
    root = os.environ.get('XDG_RUNTIME_DIR') or os.path.join(
        tempfile.gettempdir(), f'zaqar-{os.getuid()}')
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return os.path.join(root, 'zaqar-signals', digest)


def _private(directory: str) -> bool:
    """Whether ``directory`` belongs to this user and no one else may
    write in it."""
    info = os.lstat(directory)
    return (info.st_uid == os.getuid() and not info.st_mode & 0o022
            and not os.path.islink(directory))


class HostSignals(base.Signals):
    """Signals between the threads and processes of one host."""

    def __init__(self, identity: str, directory: str | None = None):
        self.hub = Hub()
        #: None when this host's processes cannot be reached (in-process).
        self.directory: str | None = (directory
                                      or runtime_directory(identity))
        self._lock = threading.Lock()
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._receiver: socket.socket | None = None
        self._path: str | None = None
        # The process that bound the socket (a forked worker binds its own).
        self._owner = 0

    def subscribe(self, queue: str, *, project: str,
                  waiter: base.Waiter | None = None) -> base.Waiter:
        self._listen()
        return self.hub.add(project, queue, waiter)

    def notify(self, queue: str, *, project: str) -> None:
        self.hub.fire(project, queue)
        if self.directory is None:
            return
        try:
            names = os.listdir(self.directory)
        except OSError:
            return  # no process of this host has waited yet
        data = encode(project, queue)
        for name in names:
            path = os.path.join(self.directory, name)
            if path == self._path:
                continue
            try:
                self._sender.sendto(data, path)
            except (ConnectionRefusedError, FileNotFoundError):
                self._remove_stale(path)
            except OSError as exc:
                # EAGAIN: that process is behind on its signals; its waiters
                # still look again when their wait ends.
                if exc.errno not in (errno.EAGAIN, errno.ENOBUFS):
                    LOG.debug('Signal to %s not sent: %s', path, exc)

    @staticmethod
    def _remove_stale(path: str) -> None:
        if not path.endswith('.sock'):
            return
        try:
            os.unlink(path)
        except OSError:
            pass

    def _listen(self) -> None:
        """Bind this process's socket and start its one reader thread."""
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner == os.getpid():
                return
            if self.directory is None:
                self._owner = os.getpid()
                return
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            if not _private(self.directory):
                # Another user's directory (made before us, in a shared
                # /tmp): signal only within this process.
                LOG.warning('%s is not a private directory of this user: '
                            'long polling wakes only this process',
                            self.directory)
                self._owner, self._receiver = os.getpid(), None
                self.directory = None
                return
            path = os.path.join(
                self.directory,
                f'{os.getpid()}-{secrets.token_hex(4)}.sock')
            receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            receiver.bind(path)
            self._owner = os.getpid()
            self._path, self._receiver = path, receiver
            atexit.register(self._unlink, path)
            threading.Thread(target=self._read, args=(receiver,),
                             name='zaqar-signals', daemon=True).start()

    def _read(self, receiver: socket.socket) -> None:
        while True:
            try:
                data = receiver.recv(_MAX_DATAGRAM)
            except OSError:
                return
            if data == _STOP:
                return
            key = decode(data)
            if key is not None:
                self.hub.fire(*key)

    @staticmethod
    def _unlink(path: str) -> None:
        try:
            os.unlink(path)
        except OSError:
            pass

    def close(self) -> None:
        with self._lock:
            receiver, path = self._receiver, self._path
            self._receiver = self._path = None
        if receiver is not None:
            try:
                self._sender.sendto(_STOP, path)
            except OSError:
                pass
            self._unlink(path)
            receiver.close()
        self._sender.close()
        self.hub.fire_all()
