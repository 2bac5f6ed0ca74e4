"""[storage] extra pipeline stages (accepted for compatibility)."""

from oslo_config import cfg

GROUP = 'storage'

OPTS = [
    cfg.ListOpt('queue_pipeline', default=[],
                help='Extra stages around the queue controller.'),
    cfg.ListOpt('message_pipeline', default=[],
                help='Extra stages around the message controller.'),
    cfg.ListOpt('claim_pipeline', default=[],
                help='Extra stages around the claim controller.'),
    cfg.ListOpt('subscription_pipeline', default=[],
                help='Extra stages around the subscription controller.'),
    cfg.ListOpt('topic_pipeline', default=[],
                help='Extra stages around the topic controller.'),
]


def list_opts():
    return {GROUP: OPTS}
