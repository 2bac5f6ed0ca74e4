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

"""Who the driver is to the server: the headers each request carries.

Three modes, chosen by the transport URL (see ``options``):

* ``NoAuth``: development servers with auth off; the project is named by
  ``X-Project-ID``.
* ``KeystoneAuth``: the control plane; a keystoneauth1 session supplies
  the token (refreshed by keystoneauth before it expires).
* ``SignedAuth``: a guest; only the signed URLs it was given. A request no
  signed URL covers fails here, before it is sent.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time
from collections.abc import Iterable

from zaqar.agent import errors

LOG = logging.getLogger(__name__)

# How often (seconds) a guest looks at its signed-URL file for a rotation.
RELOAD_INTERVAL = 5.0


class NoAuth:
    """Auth off: say which project we are; the server believes it."""

    signed = False

    def __init__(self, project_id: str):
        self.project_id = project_id

    def headers(self, method: str, path: str, grant: dict | None = None
                ) -> dict:
        return {'X-Project-ID': self.project_id}

    def invalidate(self) -> None:
        """Nothing cached to drop."""


class KeystoneAuth:
    """A keystoneauth1 session: token and project from Keystone."""

    signed = False

    def __init__(self, session):
        self.session = session
        self._project_id: str | None = None

    @property
    def project_id(self) -> str:
        if self._project_id is None:
            self._project_id = self.session.get_project_id()
        return self._project_id

    def headers(self, method: str, path: str, grant: dict | None = None
                ) -> dict:
        from keystoneauth1 import exceptions as ks_exceptions
        try:
            headers = dict(self.session.get_auth_headers() or {})
            headers['X-Project-ID'] = self.project_id
        except (ks_exceptions.ConnectionError,
                ks_exceptions.RetriableConnectionFailure) as exc:
            raise errors.AuthUnavailable(f'Keystone unreachable: {exc}')
        except ks_exceptions.ClientException as exc:
            raise errors.AuthRefused(f'Keystone refused the transport '
                                     f'URL\'s credentials: {exc}')
        return headers

    def invalidate(self) -> None:
        """Forget the token after a 401 so the next request gets another."""
        self.session.invalidate()


def _covers(url: dict, method: str, path: str) -> bool:
    if method not in url.get('methods', ()):
        return False
    for entry in url.get('paths', ()):
        if path == entry or path.startswith(entry + '/'):
            return True
    return False


def _expiry(url: dict) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(url['expires'].rstrip('Z'))
    except (KeyError, ValueError, AttributeError):
        return None
    return when.replace(tzinfo=None)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class SignedURLSet:
    """The document ``zaqar-agent provision`` writes for a guest.

    ``{"project": P, "reply_queue": Q, "urls": [<share answer>, ...]}``;
    each share answer is what ``POST /v2/queues/{q}/share`` returned.
    """

    def __init__(self, doc: dict):
        if not isinstance(doc, dict) or not isinstance(doc.get('urls'), list):
            raise ValueError('a signed URL set is a JSON object with a '
                             '"urls" list')
        self.doc = doc
        self.urls: list[dict] = doc['urls']
        self.project_id: str | None = doc.get('project') or (
            self.urls[0].get('project') if self.urls else None)
        self.reply_queue: str | None = doc.get('reply_queue')

    @classmethod
    def load(cls, path: str) -> 'SignedURLSet':
        with open(path) as f:
            return cls(json.load(f))

    def find(self, method: str, path: str,
             extra: Iterable[dict] = ()) -> dict | None:
        for url in list(extra) + self.urls:
            if url and _covers(url, method, path):
                return url
        return None


def signed_headers(url: dict) -> dict:
    """The headers that present one signed URL to the server."""
    return {'URL-Signature': url['signature'],
            'URL-Expires': url['expires'],
            'URL-Methods': ','.join(url['methods']),
            'URL-Paths': ','.join(url['paths']),
            'X-Project-ID': url['project']}


class SignedAuth:
    """Only signed URLs; a file is re-read when it changes (rotation)."""

    signed = True

    def __init__(self, urlset: SignedURLSet, path: str | None = None):
        self._set = urlset
        self._path = path
        self._mtime = os.stat(path).st_mtime if path else None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def urlset(self) -> SignedURLSet:
        self._maybe_reload()
        return self._set

    @property
    def project_id(self) -> str | None:
        return self.urlset.project_id

    def _maybe_reload(self, force: bool = False) -> None:
        if not self._path:
            return
        now = time.monotonic()
        if not force and now - self._checked < RELOAD_INTERVAL:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = os.stat(self._path).st_mtime
                if mtime == self._mtime:
                    return
                self._set = SignedURLSet.load(self._path)
                self._mtime = mtime
                LOG.info('Reloaded the signed URLs of %s', self._path)
            except (OSError, ValueError) as exc:
                LOG.error('Cannot reload the signed URLs of %s: %s',
                          self._path, exc)

    def find(self, method: str, path: str, grant: dict | None = None
             ) -> dict | None:
        return self.urlset.find(method, path, [grant] if grant else ())

    def headers(self, method: str, path: str, grant: dict | None = None
                ) -> dict:
        url = self.find(method, path, grant)
        if url is None:
            raise errors.NotGranted(
                f'No signed URL of this guest allows {method} {path}; '
                'provision the guest for this topic/server (zaqar-agent '
                'provision) or use a Keystone transport URL.')
        return signed_headers(url)

    def explain_refusal(self, method: str, path: str,
                        grant: dict | None = None) -> str:
        """Why the server answered 404 to a signed request (best guess)."""
        self._maybe_reload(force=True)
        url = self.find(method, path, grant)
        where = f'{method} {path}'
        if url is None:
            return f'no signed URL covers {where} any more'
        when = _expiry(url)
        if when is not None and when <= utcnow():
            return (f'the signed URL for {where} expired at '
                    f'{url["expires"]}Z; issue new ones with zaqar-agent '
                    'provision (or rotate)')
        return (f'the server rejected the signed URL for {where}: its '
                'signature does not match (tampered with, or signed with '
                'another [signed_url] secret_key)')

    def invalidate(self) -> None:
        self._maybe_reload(force=True)
