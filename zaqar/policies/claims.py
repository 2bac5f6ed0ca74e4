"""Rules for claim operations."""

from zaqar.policies import base

C = '/v2/queues/{queue_name}/claims'

rules = [
    base.documented('claims:create', base.MEMBER_OR_ADMIN,
                    'Claim messages.', [('POST', C)]),
    base.documented('claims:get', base.READER_OR_ADMIN,
                    'Read a claim.', [('GET', C + '/{claim_id}')]),
    base.documented('claims:update', base.MEMBER_OR_ADMIN,
                    'Renew a claim.', [('PATCH', C + '/{claim_id}')]),
    base.documented('claims:delete', base.MEMBER_OR_ADMIN,
                    'Release a claim.', [('DELETE', C + '/{claim_id}')]),
]


def list_rules():
    return rules
