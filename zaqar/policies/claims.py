"""Rules for claim operations."""

from zaqar.policies import base

C = '/v2/queues/{queue_name}/claims'

rules = [
    base.documented('claims:create', base.MEMBER_OR_STACK_USER,
                    'Claim messages.', [('POST', C)]),
    base.documented('claims:get', base.READER_OR_STACK_USER,
                    'Read a claim.', [('GET', C + '/{claim_id}')]),
    base.documented('claims:update', base.MEMBER_OR_STACK_USER,
                    'Renew a claim.', [('PATCH', C + '/{claim_id}')]),
    base.documented('claims:delete', base.MEMBER_OR_STACK_USER,
                    'Release a claim.', [('DELETE', C + '/{claim_id}')]),
]


def list_rules():
    return rules
