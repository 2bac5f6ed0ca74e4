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

"""One service and WSGI application in this process, on a private SQLite.

Requests go through the whole middleware onion as WebOb requests, with no
socket and no server process, so each one takes milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid

import testtools
import webob
from oslo_config import cfg

import zaqar.conf
from zaqar import bootstrap
from zaqar.transport.wsgi import stack as wsgi_app


class InProcessApp:
    """The service, its WSGI app and a ``request`` helper."""

    def __init__(self, extra: str = ''):
        self.dir = tempfile.mkdtemp(prefix='zaqar-inprocess-')
        path = os.path.join(self.dir, 'zaqar.conf')
        with open(path, 'w') as f:
            f.write('[DEFAULT]\nadmin_mode = true\n'
                    '[drivers]\nmessage_store = sqlalchemy\n'
                    '[drivers:message_store:sqlalchemy]\n'
                    f'uri = sqlite:///{self.dir}/messages.db\n'
                    '[signed_url]\nsecret_key = in-process-test-key\n'
                    + extra)
        self.conf = cfg.ConfigOpts()
        zaqar.conf.register_opts(self.conf)
        self.conf(['--config-file', path], project='zaqar')
        self.service = bootstrap.service_from_conf(self.conf,
                                                   background=False)
        self.app = wsgi_app.make_app(self.service)

    def request(self, method: str, path: str, body=None, *,
                project: str = 'inproc', headers: dict | None = None,
                content_type: str = 'application/json'
                ) -> webob.Response:
        """One request with the v2 headers (``body`` sent as JSON)."""
        req = webob.Request.blank(path, method=method)
        req.headers['Client-ID'] = str(uuid.UUID(int=1))
        if project is not None:
            req.headers['X-Project-ID'] = project
        req.headers.update(headers or {})
        if body is not None:
            req.content_type = content_type
            req.body = json.dumps(body).encode()
        return req.get_response(self.app)

    def close(self) -> None:
        self.service.storage.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class InProcessCase(testtools.TestCase):
    """One shared app per test class; a fresh project per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zaqar = InProcessApp()

    @classmethod
    def tearDownClass(cls):
        cls.zaqar.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.project = 'p-' + uuid.uuid4().hex[:12]

    def call(self, method: str, path: str, body=None, **kwargs):
        kwargs.setdefault('project', self.project)
        return self.zaqar.request(method, path, body, **kwargs)
