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

"""oslo.policy enforcement with a memo of decisions.

oslo.policy re-checks the policy file and introspects every check's
signature on each call (~0.4 ms a request). A decision depends only on the
rule, the caller's credentials and the target, and our target is always the
caller's own project, so decisions are memoised per (rule, credentials),
keyed on every value a rule can read: all of ``ctx.to_policy_values()``
(roles, user, project and domains, scopes, service identity and roles,
admin flags), not a chosen subset. The memo is dropped
whenever the policy file changes (one ``stat`` per call), so edits still
take effect at once.
"""

from __future__ import annotations

import logging
import os

from oslo_policy import policy as oslo_policy

LOG = logging.getLogger(__name__)

# Distinct (rule, credentials) pairs remembered before the memo restarts.
_MAX_DECISIONS = 8192
# Context attributes behind ctx.to_policy_values() besides the role lists
# (read directly: building that mapping costs more than the memo saves).
# tests/inprocess/test_policy_memo.py checks that together they cover
# every value a rule can read.
POLICY_FIELDS = ('user_id', 'user_domain_id', 'system_scope', 'domain_id',
                 'project_id', 'project_domain_id', 'is_admin',
                 'is_admin_project', 'service_user_id',
                 'service_user_domain_id', 'service_project_id',
                 'service_project_domain_id')


class Authorizer:
    def __init__(self, enforcer: oslo_policy.Enforcer):
        self.enforcer = enforcer
        self._decisions: dict[tuple, bool] = {}
        self._stamp: tuple | None = None

    def _policy_stamp(self) -> tuple | None:
        path = getattr(self.enforcer, 'policy_path', None)
        if not path:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (path, st.st_mtime_ns, st.st_size)

    def allowed(self, rule: str, ctx) -> bool:
        stamp = self._policy_stamp()
        if stamp != self._stamp or len(self._decisions) > _MAX_DECISIONS:
            self._decisions = {}
            self._stamp = stamp
        key = (rule, *(getattr(ctx, name) for name in POLICY_FIELDS),
               tuple(sorted(ctx.roles)), tuple(sorted(ctx.service_roles)))
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._enforce(rule, ctx)
            self._decisions[key] = decision
            # The first enforce loads the file: remember its stamp.
            self._stamp = self._policy_stamp()
        return decision

    def _enforce(self, rule: str, ctx) -> bool:
        target = {'project_id': ctx.project_id}
        try:
            return bool(self.enforcer.enforce(rule, target, ctx))
        except oslo_policy.PolicyNotRegistered:
            LOG.error('Policy rule %s is not registered', rule)
            return False
        except oslo_policy.InvalidScope:
            # A token of the wrong scope (older oslo.policy raises; newer
            # ones answer False): project rules refuse system tokens.
            return False

