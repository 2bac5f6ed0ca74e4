"""Rules for message operations."""

from zaqar.policies import base

M = '/v2/queues/{queue_name}/messages'
# Topics reuse the message rules for their fan-out posts.
TM = '/v2/topics/{topic_name}/messages'

rules = [
    base.documented('messages:get_all', base.READER_OR_STACK_USER,
                    'List messages, or get several by id.',
                    [('GET', M), ('GET', TM)]),
    base.documented('messages:create', base.MEMBER_OR_STACK_USER,
                    'Post messages.', [('POST', M), ('POST', TM)]),
    base.documented('messages:get', base.READER_OR_STACK_USER,
                    'Get one message.', [('GET', M + '/{message_id}'),
                                         ('GET', TM + '/{message_id}')]),
    base.documented('messages:delete', base.MEMBER_OR_STACK_USER,
                    'Delete one message.',
                    [('DELETE', M + '/{message_id}'),
                     ('DELETE', TM + '/{message_id}')]),
    base.documented('messages:delete_all', base.MEMBER_OR_STACK_USER,
                    'Delete messages by id, or pop them.', [('DELETE', M)]),
]


def list_rules():
    return rules
