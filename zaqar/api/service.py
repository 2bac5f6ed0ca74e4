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

"""The singletons an operation needs, built once at start-up."""

from __future__ import annotations

import logging

from oslo_policy import policy as oslo_policy

from zaqar import policies
from zaqar.api import (
    authorizer,
    crypto,
    metadata_cache,
    validation,
    waiting,
)
from zaqar.common import errors, shared_cache, signing_key
from zaqar.limits import enforcer as limits_enforcer
from zaqar.notification import destinations, events
from zaqar.storage import base as storage_base

LOG = logging.getLogger(__name__)


class Service:
    """Config, limits, storage and policy shared by every request."""

    def __init__(self, conf, storage: storage_base.DataDriver, *,
                 cache_region=None):
        """``cache_region``: the oslo.cache region of ``[cache]`` (built
        here when enabled and not given)."""
        self.conf = conf
        self.limits = validation.Limits(conf)
        self.storage = storage
        self.queues = storage.queue_controller
        self.messages = storage.message_controller
        self.claims = storage.claim_controller
        self.subscriptions = storage.subscription_controller
        # The notification outbox and the OpenStack lifecycle events.
        self.outbox = storage.delivery_controller
        self.events = events.Emitter.from_conf(conf)
        # Called as hook(action, ctx, params, result, spec) after each
        # action that succeeded (actions.dispatch; ``spec`` is its
        # actions.Action, whose declared flags a hook reads rather than
        # the name); the first one queues the OpenStack lifecycle
        # notification.
        self.after_action: list = [self.events.action_done]
        # Long polling: a post wakes the queue's waiters (zaqar.api.waiting).
        self.after_action.append(waiting.signal_hook(self))
        if cache_region is None:
            cache_region = shared_cache.region_from_conf(conf)
        self.cache_region = cache_region
        self.metadata_cache = metadata_cache.MetadataCache(
            conf.transport.queue_metadata_cache_ttl, cache_region,
            conf.cache.expiration_time)
        self.enable_checksum = conf.enable_checksum
        self.cipher = crypto.MessageCipher.from_conf(conf)
        self.enforcer = oslo_policy.Enforcer(conf)
        self.enforcer.register_defaults(policies.list_rules())
        self.authorizer = authorizer.Authorizer(self.enforcer)
        self.signing_key = _signing_key(conf)
        # Internal destinations subscribers may reach anyway.
        self.destination_allowlist = destinations.Allowlist.parse(
            conf.notification.destination_allowlist)
        # Per-project quotas and rate limits, checked before each action.
        self.quotas = limits_enforcer.Quotas.from_conf(conf)

    def authorize(self, rule: str, ctx) -> None:
        """Raise Forbidden unless ``ctx`` may perform ``rule``."""
        if not self.authorizer.allowed(rule, ctx):
            raise errors.Forbidden()


def _signing_key(conf) -> str | None:
    """The signed-URL key (None: off); a bad setup refuses to start."""
    try:
        return signing_key.resolve(conf)
    except signing_key.KeyConfigError as exc:
        raise errors.ConfigError(str(exc)) from None


def policy_enforcer():
    """An Enforcer with every rule registered (for oslopolicy-* tools)."""
    from zaqar import conf as zconf
    enforcer = oslo_policy.Enforcer(zconf.CONF)
    enforcer.register_defaults(policies.list_rules())
    return enforcer
