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

"""trust+http(s) subscribers: webhooks carrying a trust-scoped Keystone token.

Subscribing creates a Keystone trust from the caller (trustor: the user of
the request token, its project and roles, impersonation on, expiring with
the subscription) to Zaqar's service user, whose credentials are the
``[trustee]`` keystoneauth options (``auth_type = password``, ``auth_url``,
``username``, ``password``, ``user_domain_name``; no project: the trust is
the scope). Deliveries then POST like plain webhooks, to the URL without its
``trust+`` prefix, with ``X-Auth-Token`` set to a token scoped to the trust;
a 401 drops the cached token and is retried.

Without Keystone (``auth_strategy`` other than ``keystone``, or no
``[trustee]`` credentials) a trust subscription cannot be made: 503.
"""

from __future__ import annotations

import datetime
import logging
import threading

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from zaqar.common import errors
from zaqar.notification import destinations, outcome, subscribers
from zaqar.notification.tasks import webhook

LOG = logging.getLogger(__name__)

GROUP = 'trustee'
PREFIX = 'trust+'

_tokens: dict[str, v3.Password] = {}
_tokens_lock = threading.Lock()


def _register(conf) -> None:
    """[trustee] auth_type/auth_section; the plugin's own options are
    registered by keystoneauth when it loads the plugin."""
    if GROUP not in conf:
        ks_loading.register_auth_conf_options(conf, GROUP)


def _unavailable(why: str) -> errors.ServiceUnavailable:
    LOG.warning('Trust subscription refused: %s', why)
    return errors.ServiceUnavailable('Subscription could not be created')


def create_trust(conf, ctx, ttl: int) -> str:
    """A trust from the caller to the trustee user; returns its id."""
    if conf.auth_strategy != 'keystone' or not ctx.auth_token:
        raise _unavailable('Keystone authentication is not in use')
    _register(conf)
    try:
        trustee = ks_loading.load_auth_from_conf_options(conf, GROUP)
    except ks_exceptions.ClientException as exc:
        raise _unavailable(f'bad [trustee] options: {exc}')
    if trustee is None:
        raise _unavailable('no [trustee] credentials')
    try:
        trustee_id = ks_session.Session(auth=trustee).get_user_id()
        trustor = ks_session.Session(auth=v3.Token(
            auth_url=trustee.auth_url, token=ctx.auth_token,
            project_id=ctx.project_id))
        expires = (datetime.datetime.now(datetime.UTC)
                   + datetime.timedelta(seconds=ttl))
        resp = trustor.post('/OS-TRUST/trusts', json={'trust': {
            'trustor_user_id': ctx.user_id or trustor.get_user_id(),
            'trustee_user_id': trustee_id,
            'project_id': ctx.project_id,
            'impersonation': True,
            'roles': [{'name': role} for role in ctx.roles],
            'expires_at': expires.strftime('%Y-%m-%dT%H:%M:%S.%fZ'),
        }}, endpoint_filter={'service_type': 'identity',
                             'interface': 'public'})
        return resp.json()['trust']['id']
    except (ks_exceptions.ClientException, KeyError, ValueError) as exc:
        raise _unavailable(f'trust creation failed: {exc}')


def _auth(conf, trust_id: str) -> v3.Password:
    with _tokens_lock:
        auth = _tokens.get(trust_id)
        if auth is None:
            _register(conf)
            auth = ks_loading.load_auth_from_conf_options(
                conf, GROUP, trust_id=trust_id)
            _tokens[trust_id] = auth
        return auth


def deliver(conf, subscriber: str, trust_id: str | None, document: dict,
            options: dict, secret: str | None, delivery_id: str,
            subscription_id: str, timeout: float,
            allowlist: destinations.Allowlist = destinations.Allowlist(),
            traceparent: str | None = None) -> outcome.Outcome:
    """A webhook with a trust-scoped token."""
    if not trust_id:
        return outcome.failed('the subscription has no Keystone trust')
    auth = _auth(conf, trust_id)
    try:
        token = auth.get_token(ks_session.Session(auth=auth))
    except ks_exceptions.Unauthorized as exc:
        return outcome.failed(f'the trust is no longer valid: {exc}')
    except ks_exceptions.ClientException as exc:
        return outcome.retry(f'Keystone: {exc}')
    result = webhook.deliver(subscriber[len(PREFIX):], document, options,
                             secret, delivery_id, subscription_id, timeout,
                             {'X-Auth-Token': token}, allowlist, traceparent)
    if result.error and result.error.startswith('HTTP 401'):
        with _tokens_lock:
            _tokens.pop(trust_id, None)
        return outcome.retry(result.error)
    return result


def _deliver(request: subscribers.Send) -> outcome.Outcome:
    return deliver(request.conf, request.subscriber, request.trust_id,
                   request.document, request.options, request.secret,
                   request.delivery_id, request.subscription_id,
                   request.timeout, request.allowlist, request.traceparent)


#: trust+http and trust+https subscribers: vouched for by their trust, so
#: they need no confirmation.
SCHEME = subscribers.Scheme(deliver=_deliver, needs_trust=True,
                            destination=lambda uri: uri[len(PREFIX):])
