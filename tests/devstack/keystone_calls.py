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

"""The Keystone calls behind the harness's DevStack stand-ins.

``python keystone_calls.py VERB ARGS...`` makes one get-or-create call on
the Keystone at ``$HARNESS_KEYSTONE_URL`` with the admin token in
``$HARNESS_ADMIN_TOKEN`` and prints the id, as DevStack's functions of the
same job do:

- ``user NAME PASSWORD DOMAIN``
- ``role-assignment ROLE USER_ID PROJECT USER_DOMAIN PROJECT_DOMAIN``
- ``service NAME TYPE DESCRIPTION``
- ``endpoint SERVICE_ID REGION INTERFACE URL``

Only the standard library (the stand-ins run this with ``python -S``): a
call costs one bare interpreter start and its HTTP requests.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Keystone:
    """The v3 API as the harness's admin."""

    def __init__(self, url: str, token: str):
        self.url = url.rstrip('/') + '/v3'
        self.token = token

    def call(self, method: str, path: str, params: dict | None = None,
             json_body: dict | None = None) -> dict:
        url = self.url + path
        if params:
            url += '?' + urllib.parse.urlencode(params)
        data = None if json_body is None else json.dumps(json_body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={
            'X-Auth-Token': self.token, 'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                content = resp.read()
        except urllib.error.HTTPError as exc:
            sys.exit(f'Keystone {method} {path}: {exc.code} '
                     f'{exc.read().decode(errors="replace")}')
        return json.loads(content) if content else {}

    def domain_id(self, name: str) -> str:
        found = self.call('GET', '/domains', params={'name': name})['domains']
        if not found:
            sys.exit(f'no domain {name!r}')
        return found[0]['id']

    def project_id(self, name: str, domain: str) -> str:
        found = self.call('GET', '/projects', params={
            'name': name, 'domain_id': self.domain_id(domain)})['projects']
        if not found:
            sys.exit(f'no project {name!r} in domain {domain!r}')
        return found[0]['id']

    def role_id(self, name: str) -> str:
        found = self.call('GET', '/roles', params={'name': name})['roles']
        if found:
            return found[0]['id']
        return self.call('POST', '/roles',
                         json_body={'role': {'name': name}})['role']['id']


def user(ks: Keystone, name: str, password: str, domain: str) -> str:
    domain_id = ks.domain_id(domain)
    found = ks.call('GET', '/users', params={
        'name': name, 'domain_id': domain_id})['users']
    if found:
        return found[0]['id']
    return ks.call('POST', '/users', json_body={'user': {
        'name': name, 'password': password,
        'domain_id': domain_id}})['user']['id']


def role_assignment(ks: Keystone, role: str, user_id: str, project: str,
                    user_domain: str, project_domain: str) -> str:
    role_id = ks.role_id(role)
    project_id = ks.project_id(project, project_domain)
    ks.call('PUT', f'/projects/{project_id}/users/{user_id}/roles/{role_id}')
    return role_id


def service(ks: Keystone, name: str, type_: str, description: str) -> str:
    for svc in ks.call('GET', '/services', params={'type': type_})[
            'services']:
        if svc['name'] == name:
            return svc['id']
    return ks.call('POST', '/services', json_body={'service': {
        'name': name, 'type': type_,
        'description': description}})['service']['id']


def endpoint(ks: Keystone, service_id: str, region: str, interface: str,
             url: str) -> str:
    for ep in ks.call('GET', '/endpoints', params={
            'service_id': service_id, 'interface': interface,
            'region_id': region})['endpoints']:
        if ep['url'] == url:
            return ep['id']
    return ks.call('POST', '/endpoints', json_body={'endpoint': {
        'service_id': service_id, 'interface': interface,
        'region_id': region, 'url': url}})['endpoint']['id']


VERBS = {
    'user': user,
    'role-assignment': role_assignment,
    'service': service,
    'endpoint': endpoint,
}


def main(argv: list[str]) -> None:
    ks = Keystone(os.environ['HARNESS_KEYSTONE_URL'],
                  os.environ['HARNESS_ADMIN_TOKEN'])
    verb, args = argv[0], argv[1:]
    print(VERBS[verb](ks, *args))


if __name__ == '__main__':
    main(sys.argv[1:])
