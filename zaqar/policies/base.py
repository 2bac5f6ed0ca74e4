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

"""The personas every rule is written in terms of (secure RBAC)."""

from oslo_policy import policy

# The admin of the deployment.
ADMIN = 'role:admin'
# Anyone holding a role in the target project may read it.
PROJECT_READER = ('(role:reader or role:member or role:admin) and '
                  'project_id:%(project_id)s')
# Members (and admins) of the project may change it.
PROJECT_MEMBER = '(role:member or role:admin) and project_id:%(project_id)s'

READER_OR_ADMIN = 'rule:context_is_admin or rule:project_reader'
MEMBER_OR_ADMIN = 'rule:context_is_admin or rule:project_member'

# The identity Heat hands to servers (stack users live in Heat's stack
# domain with only this role in the stack's project). Software-deployment
# signalling and os-collect-config need a narrow slice of the queue API;
# the rules that grant it use these two strings, nothing else does.
STACK_USER = 'role:heat_stack_user and project_id:%(project_id)s'
READER_OR_STACK_USER = READER_OR_ADMIN + ' or rule:heat_stack_user'
MEMBER_OR_STACK_USER = MEMBER_OR_ADMIN + ' or rule:heat_stack_user'

rules = [
    policy.RuleDefault('context_is_admin', ADMIN,
                       description='Deployment administrators.'),
    policy.RuleDefault('admin_or_owner',
                       'is_admin:True or project_id:%(project_id)s',
                       description='An admin or any user of the project.'),
    policy.RuleDefault('project_reader', PROJECT_READER,
                       description='Read-only users of the project.'),
    policy.RuleDefault('project_member', PROJECT_MEMBER,
                       description='Members of the project.'),
    policy.RuleDefault('heat_stack_user', STACK_USER,
                       description='Heat stack users of the project (the '
                                   'identity of servers doing software '
                                   'deployments).'),
]


def list_rules():
    return rules


# The reference release left project operations open to any authenticated
# user; ``[oslo_policy] enforce_new_defaults = false`` accepts that again
# (alongside the secure-RBAC default) while a deployment migrates.
LEGACY_OPEN = ''
_LEGACY_REASON = ('Project operations now follow the reader/member/admin '
                  'personas instead of being open to any user.')


def documented(name: str, check: str, description: str,
               operations: list[tuple[str, str]],
               legacy: str | None = LEGACY_OPEN):
    """A DocumentedRuleDefault for project-scoped API operations.

    ``legacy`` is the reference's default when it differed (None: same).
    """
    deprecated = None
    if legacy is not None and legacy != check:
        deprecated = policy.DeprecatedRule(
            name=name, check_str=legacy, deprecated_reason=_LEGACY_REASON,
            deprecated_since='2025.1')
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'], deprecated_rule=deprecated)
