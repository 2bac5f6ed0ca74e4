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
    cfg.IntOpt('gc_interval', default=60, min=0,
               help='Seconds between background sweeps of expired '
                    'messages, claims and subscriptions in each API worker '
                    '(0 turns the sweep off; run zaqar-gc instead).'),
]


def list_opts():
    return {GROUP: OPTS}
