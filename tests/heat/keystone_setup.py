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

"""What a Heat deployment needs from the run's Keystone, made and removed.

A region of its own holding identity, messaging and orchestration
endpoints; the stack owners' project sees only that region (an endpoint
group), so clients that take the first ``messaging`` endpoint of their
catalog (Heat's in-tree Zaqar types, its event sink) reach this test's
service and never another test's. Heat's stack domain with its domain
admin, the ``heat_stack_user`` role, Heat's and Zaqar's service users.
"""

from __future__ import annotations

import dataclasses
import secrets

from tests.keystone import fixture as ks_fixture

STACK_USER_ROLE = 'heat_stack_user'


@dataclasses.dataclass
class HeatIdentity:
    """Ids and credentials one Heat deployment uses (all unique to it)."""

    region: str
    project_id: str
    owner: ks_fixture.User
    operator: ks_fixture.User
    heat: ks_fixture.User
    zaqar: ks_fixture.User
    domain_id: str
    domain_admin: str
    domain_admin_password: str
    # What cleanup() removes, in order: (method, path).
    undo: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def _role(keystone, name: str) -> str:
    """The id of role ``name``, created if missing (shared, never removed:
    other Heat deployments of the run use it too)."""
    found = keystone._call('GET', f'/roles?name={name}')['roles']
    if not found:
        try:
            keystone._call('POST', '/roles', json={'role': {'name': name}})
        except AssertionError as exc:  # created meanwhile by another class
            if '409' not in str(exc):
                raise
        found = keystone._call('GET', f'/roles?name={name}')['roles']
    keystone.roles[name] = found[0]['id']
    return found[0]['id']


def build(keystone, tag: str) -> HeatIdentity:
    """Projects, users, Heat's domain; endpoints come later (``catalog``)."""
    _role(keystone, STACK_USER_ROLE)
    call = keystone._call
    undo: list[tuple[str, str]] = []
    project_id = keystone.project(f'heat-stacks-{tag}')
    undo.append(('DELETE', f'/projects/{project_id}'))
    owner = keystone.user(f'heat-owner-{tag}', project_id, 'member')
    operator = keystone.user(f'heat-operator-{tag}', project_id, 'admin')
    service_project = keystone.project(f'heat-service-{tag}')
    undo.append(('DELETE', f'/projects/{service_project}'))
    heat = keystone.user(f'heat-{tag}', service_project, 'service')
    call('PUT', f'/projects/{service_project}/users/{heat.id}/roles/'
                f'{keystone.roles["admin"]}')
    zaqar = keystone.user(f'zaqar-{tag}', service_project, 'service')
    for user in (owner, operator, heat, zaqar):
        undo.append(('DELETE', f'/users/{user.id}'))
    domain_id = call('POST', '/domains', json={'domain': {
        'name': f'heat-{tag}',
        'description': 'Heat stack users'}})['domain']['id']
    # A domain goes only once disabled; its users and projects with it.
    undo.append(('PATCH-DISABLE', f'/domains/{domain_id}'))
    undo.append(('DELETE', f'/domains/{domain_id}'))
    password = secrets.token_urlsafe(16)
    admin_name = f'heat-domain-admin-{tag}'
    admin_id = call('POST', '/users', json={'user': {
        'name': admin_name, 'password': password,
        'domain_id': domain_id}})['user']['id']
    call('PUT', f'/domains/{domain_id}/users/{admin_id}/roles/'
                f'{keystone.roles["admin"]}')
    return HeatIdentity(f'heat-{tag}', project_id, owner, operator, heat,
                        zaqar, domain_id, admin_name, password, undo)


def catalog(keystone, ident: HeatIdentity, zaqar_url: str,
            heat_url: str) -> None:
    """The region's endpoints, and the owners' project limited to it."""
    call = keystone._call
    region = ident.region
    call('POST', '/regions', json={'region': {'id': region}})
    identity = call('GET', '/services?type=identity')['services'][0]['id']
    services = {'identity': identity}
    for kind, name in (('messaging', 'zaqar'), ('orchestration', 'heat')):
        services[kind] = call('POST', '/services', json={'service': {
            'type': kind, 'name': f'{name}-{region}'}})['service']['id']
        ident.undo.insert(0, ('DELETE', f'/services/{services[kind]}'))
    urls = {'identity': keystone.auth_url, 'messaging': zaqar_url,
            'orchestration': heat_url + '/v1/%(tenant_id)s'}
    for kind, url in urls.items():
        for interface in ('public', 'internal'):
            endpoint = call('POST', '/endpoints', json={'endpoint': {
                'service_id': services[kind], 'interface': interface,
                'region_id': region, 'url': url}})['endpoint']['id']
            ident.undo.insert(0, ('DELETE', f'/endpoints/{endpoint}'))
    group = call('POST', '/OS-EP-FILTER/endpoint_groups', json={
        'endpoint_group': {'name': f'only-{region}',
                           'filters': {'region_id': region}}}
    )['endpoint_group']['id']
    ident.undo.insert(0, ('DELETE', f'/OS-EP-FILTER/endpoint_groups/{group}'))
    call('PUT', f'/OS-EP-FILTER/endpoint_groups/{group}/projects/'
                f'{ident.project_id}')
    # Regions go last, once their endpoints are gone.
    ident.undo.append(('DELETE', f'/regions/{region}'))


def cleanup(keystone, ident: HeatIdentity) -> list[str]:
    """Remove everything ``build``/``catalog`` made; the failures, if any."""
    failures = []
    for method, path in ident.undo:
        try:
            if method == 'PATCH-DISABLE':
                keystone._call('PATCH', path,
                               json={'domain': {'enabled': False}})
            else:
                keystone._call(method, path)
        except AssertionError as exc:
            if ' 404 ' not in str(exc):
                failures.append(str(exc)[:300])
    return failures
