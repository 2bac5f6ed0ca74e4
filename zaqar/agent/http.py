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

"""The few Zaqar v2 calls the driver makes, with retries across outages.

Every call names the queue operation it performs; the credentials decide
the headers. Connection failures and 5xx answers are retried (the server
may be restarting) within the caller's budget: ``retry`` attempts (None
or -1: no limit) and an optional monotonic ``deadline``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from urllib.parse import quote

import requests

from zaqar.agent import errors

LOG = logging.getLogger(__name__)

# Seconds for one HTTP exchange, on top of the time a long poll (``wait``)
# may be held by the server.
REQUEST_TIMEOUT = 30.0
# Back-off between retries of an unreachable server (seconds).
RETRY_FIRST = 0.1
RETRY_MAX = 2.0
# Statuses that mean "try again later".
_RETRYABLE = frozenset((502, 503, 504))


class Message:
    """One message as the server returned it."""

    __slots__ = ('id', 'body', 'age', 'ttl', 'claim_id')

    def __init__(self, doc: dict, claim_id: str | None = None):
        self.id: str = doc['id']
        self.body = doc.get('body')
        self.age: int = doc.get('age', 0)
        self.ttl: int = doc.get('ttl', 0)
        self.claim_id = claim_id


def queue_path(queue: str, *rest: str) -> str:
    return '/'.join(('/v2/queues', quote(queue, safe='')) + rest)


class Client:
    """Zaqar v2 over HTTP for one identity (``credentials``)."""

    def __init__(self, endpoint: str, credentials, client_id: str | None = None,
                 verify: bool | str = True):
        self.endpoint = endpoint.rstrip('/')
        self.credentials = credentials
        self.client_id = client_id or str(uuid.uuid4())
        self.verify = verify
        self._local = threading.local()
        self._outage_logged = False

    # -- plumbing ---------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = requests.Session()
            session.verify = self.verify
        return session

    def request(self, method: str, path: str, *, params=None, body=None,
                grant: dict | None = None, retry: int | None = None,
                deadline: float | None = None, ok=(200, 201, 204),
                held: float = 0.0) -> requests.Response:
        """One API call; returns the response whose status is in ``ok``.

        Raises NotGranted (no signed URL covers it), SignedURLRefused (the
        server refused our signed URL), RequestRefused (another 4xx) or
        ServerUnavailable (retries or deadline exhausted). ``held``: the
        seconds the server may hold the request before answering.
        """
        attempt = 0
        delay = RETRY_FIRST
        data = None if body is None else json.dumps(body)
        while True:
            try:
                headers = self.credentials.headers(method, path, grant)
                headers['Client-ID'] = self.client_id
                if data is not None:
                    headers['Content-Type'] = 'application/json'
                resp = self._session().request(
                    method, self.endpoint + path, params=params, data=data,
                    headers=headers, timeout=REQUEST_TIMEOUT + held)
            except (requests.RequestException, errors.AuthUnavailable) as exc:
                problem = f'{type(exc).__name__}: {exc}'
            else:
                if resp.status_code in ok:
                    if self._outage_logged:
                        LOG.warning('Zaqar at %s answers again', self.endpoint)
                        self._outage_logged = False
                    return resp
                if resp.status_code == 401 and attempt == 0:
                    self.credentials.invalidate()
                    problem = 'token refused'
                elif (resp.status_code in _RETRYABLE
                      and not self._lasting(resp)):
                    problem = f'HTTP {resp.status_code}'
                else:
                    self._refused(method, path, resp, grant)
            attempt += 1
            if retry is not None and retry >= 0 and attempt > retry:
                raise errors.ServerUnavailable(
                    f'{method} {path} failed after {attempt} attempt(s): '
                    f'{problem}')
            if deadline is not None and time.monotonic() + delay > deadline:
                raise errors.ServerUnavailable(
                    f'{method} {path} failed before the deadline: {problem}')
            if not self._outage_logged:
                LOG.warning('Zaqar at %s unavailable (%s); retrying',
                            self.endpoint, problem)
                self._outage_logged = True
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    @staticmethod
    def _lasting(resp) -> bool:
        """A 503 that is configuration, not an outage (signed URLs off)."""
        return (resp.status_code == 503
                and b'Signed URLs are disabled' in resp.content)

    def _refused(self, method, path, resp, grant):
        try:
            doc = resp.json()
        except ValueError:
            doc = {}
        if (resp.status_code == 404 and self.credentials.signed
                and 'description' not in doc):
            raise errors.SignedURLRefused(
                self.credentials.explain_refusal(method, path, grant))
        raise errors.RequestRefused(
            f'{method} {path}: HTTP {resp.status_code} '
            f'{doc.get("title", "")}: {doc.get("description", resp.text)}')

    def can_read(self, queue: str) -> bool:
        """Whether these credentials may read ``queue``'s messages (a
        guest only if a signed URL grants it)."""
        if not self.credentials.signed:
            return True
        return self.credentials.find(
            'GET', queue_path(queue, 'messages')) is not None

    # -- queue operations ---------------------------------------------------

    def post(self, queue: str, bodies: list, ttl: int, *,
             grant: dict | None = None, retry: int | None = None,
             deadline: float | None = None) -> None:
        """Post messages (one request for all of them)."""
        self.request('POST', queue_path(queue, 'messages'),
                     body={'messages': [{'body': b, 'ttl': ttl}
                                        for b in bodies]},
                     grant=grant, retry=retry, deadline=deadline, ok=(201,))

    def claim(self, queue: str, limit: int, ttl: int, grace: int,
              wait: int = 0, **kw) -> list[Message]:
        """Claim up to ``limit`` messages; [] when the queue has none
        (after waiting up to ``wait`` seconds for one)."""
        params = {'limit': limit}
        if wait:
            params['wait'] = wait
        resp = self.request('POST', queue_path(queue, 'claims'),
                            params=params, body={'ttl': ttl, 'grace': grace},
                            held=wait, **kw)
        if resp.status_code == 204:
            return []
        claim_id = resp.headers['Location'].rsplit('/', 1)[-1]
        return [Message(m, claim_id) for m in resp.json()['messages']]

    def renew(self, queue: str, claim_id: str, ttl: int, **kw) -> bool:
        """Extend a claim; False when it is already gone."""
        resp = self.request('PATCH', queue_path(queue, 'claims', claim_id),
                            body={'ttl': ttl, 'grace': ttl},
                            ok=(204, 404), **kw)
        return resp.status_code == 204

    def delete(self, queue: str, message_id: str, claim_id: str | None,
               **kw) -> None:
        """Delete a message; a claim that expired meanwhile is not an error
        (someone else has the message now)."""
        params = {'claim_id': claim_id} if claim_id else None
        self.request('DELETE', queue_path(queue, 'messages', message_id),
                     params=params, ok=(204, 403, 404), **kw)

    def pop(self, queue: str, count: int, **kw) -> list[Message]:
        """Take and delete up to ``count`` messages in one request."""
        resp = self.request('DELETE', queue_path(queue, 'messages'),
                            params={'pop': count}, ok=(200, 204), **kw)
        if resp.status_code == 204 or not resp.content:
            return []
        return [Message(m) for m in resp.json().get('messages', [])]

    def release(self, queue: str, claim_id: str, **kw) -> None:
        """Give a claim's messages back to the queue at once."""
        self.request('DELETE', queue_path(queue, 'claims', claim_id),
                     ok=(204, 404), **kw)

    def take(self, queue: str, count: int, wait: int = 0,
             **kw) -> list[Message]:
        """Read up to ``count`` messages (after waiting up to ``wait``
        seconds for one) and delete them: for a queue with one reader."""
        page, _ = self.read(queue, None, count, wait=wait, **kw)
        if page:
            self.request('DELETE', queue_path(queue, 'messages'),
                         params={'ids': ','.join(m.id for m in page)},
                         ok=(204,), **kw)
        return page

    def read(self, queue: str, marker: str | None, limit: int,
             wait: int = 0, **kw) -> tuple[list[Message], str | None]:
        """A page of messages after ``marker`` (not claimed ones), after
        waiting up to ``wait`` seconds for one; and the marker to continue
        from (unchanged when the page is empty)."""
        params = {'limit': limit, 'echo': 'true'}
        if marker:
            params['marker'] = marker
        if wait:
            params['wait'] = wait
        resp = self.request('GET', queue_path(queue, 'messages'),
                            params=params, ok=(200, 204), held=wait, **kw)
        if resp.status_code == 204 or not resp.content:
            return [], marker
        doc = resp.json()
        for link in doc.get('links', ()):
            if link.get('rel') == 'next' and 'marker=' in link['href']:
                marker = link['href'].split('marker=', 1)[1].split('&')[0]
        return [Message(m) for m in doc.get('messages', [])], marker

    def share(self, queue: str, paths: list[str], methods: list[str],
              expires: str | None = None, **kw) -> dict:
        """A signed URL for ``queue`` (POST .../share)."""
        body = {'paths': paths, 'methods': methods}
        if expires:
            body['expires'] = expires
        return self.request('POST', queue_path(queue, 'share'), body=body,
                            ok=(200,), **kw).json()

    def create_queue(self, queue: str, metadata: dict | None = None,
                     **kw) -> None:
        self.request('PUT', queue_path(queue), body=metadata or {},
                     ok=(201, 204), **kw)

    def delete_queue(self, queue: str, **kw) -> None:
        self.request('DELETE', queue_path(queue), ok=(204, 404), **kw)
