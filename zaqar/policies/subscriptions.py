"""Rules for subscription operations (note the singular prefix)."""

from zaqar.policies import base

S = '/v2/queues/{queue_name}/subscriptions'

rules = [
    base.documented('subscription:get_all', base.READER_OR_ADMIN,
                    'List subscriptions.', [('GET', S)]),
    base.documented('subscription:create', base.MEMBER_OR_ADMIN,
                    'Subscribe to a queue.', [('POST', S)]),
    base.documented('subscription:get', base.READER_OR_ADMIN,
                    'Read a subscription.',
                    [('GET', S + '/{subscription_id}')]),
    base.documented('subscription:update', base.MEMBER_OR_ADMIN,
                    'Change a subscription.',
                    [('PATCH', S + '/{subscription_id}')]),
    base.documented('subscription:delete', base.MEMBER_OR_ADMIN,
                    'Delete a subscription.',
                    [('DELETE', S + '/{subscription_id}')]),
    base.documented('subscription:confirm', base.MEMBER_OR_ADMIN,
                    'Confirm or unconfirm a subscription.',
                    [('PUT', S + '/{subscription_id}/confirm')]),
]


def list_rules():
    return rules
