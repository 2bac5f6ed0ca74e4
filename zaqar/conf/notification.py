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

"""[notification] how subscribers are notified (mail, confirmations)."""

from oslo_config import cfg

GROUP = 'notification'

# Placeholders: {0} the queue name, {1} the project, {2} the link to follow.
_SUBSCRIBE_TEMPLATE = {
    'topic': 'Zaqar Notification - Subscription Confirmation',
    'body': 'You have chosen to subscribe to the queue: {0}. This queue '
            'belongs to project: {1}. To confirm this subscription, click '
            'or visit this link below: {2}',
    'sender': 'Zaqar Notifications <no-reply@openstack.org>',
}
_UNSUBSCRIBE_TEMPLATE = {
    'topic': 'Zaqar Notification - Unsubscribe Confirmation',
    'body': 'You have unsubscribed successfully to the queue: {0}. This '
            'queue belongs to project: {1}. To resubscribe this '
            'subscription, click or visit this link below: {2}',
    'sender': 'Zaqar Notifications <no-reply@openstack.org>',
}

OPTS = [
    cfg.StrOpt('smtp_mode', default='third_part',
               choices=[('third_part', ('Hand mail to the local command '
                                        'in smtp_command.')),
                        ('self_local', 'Talk SMTP to smtp_host directly.')],
               help='How mailto: subscribers are reached.'),
    cfg.HostAddressOpt('smtp_host',
                       help='SMTP server for smtp_mode = self_local.'),
    cfg.PortOpt('smtp_port', help='Port of smtp_host.'),
    cfg.StrOpt('smtp_user_name', help='User to log in to smtp_host as.'),
    cfg.StrOpt('smtp_user_password', secret=True,
               help='Password of smtp_user_name.'),
    cfg.StrOpt('smtp_command', default='/usr/sbin/sendmail -t -oi',
               help='Command that reads a whole mail on stdin and sends it '
                    '(smtp_mode = third_part).'),
    cfg.IntOpt('max_notifier_workers', default=10,
               help='Notifications delivered in parallel by one process.'),
    cfg.BoolOpt('require_confirmation', default=False,
                help='Deliver only to subscriptions their subscriber has '
                     'confirmed; new subscriptions get a confirmation '
                     'request carrying a signed URL (needs [signed_url] '
                     'secret_key).'),
    cfg.StrOpt('external_confirmation_url',
               help='Page a mailto: subscriber is sent to to confirm; the '
                    'signed confirmation parameters are appended to it.'),
    cfg.DictOpt('subscription_confirmation_email_template',
                default=_SUBSCRIBE_TEMPLATE,
                help='Mail asking a mailto: subscriber to confirm: keys '
                     'topic, body and sender; body placeholders {0} queue, '
                     '{1} project, {2} confirmation link.'),
    cfg.DictOpt('unsubscribe_confirmation_email_template',
                default=_UNSUBSCRIBE_TEMPLATE,
                help='Mail telling a mailto: subscriber the subscription '
                     'was removed: same keys and placeholders as the '
                     'confirmation template.'),
    cfg.BoolOpt('notifier_in_api', default=True,
                help='Deliver notifications from threads inside each API '
                     'worker process. Turn off when zaqar-notifier '
                     'processes do the delivering.'),
    cfg.IntOpt('delivery_lease', default=60, min=1,
               help='Seconds a notifier holds a delivery it took from the '
                    'outbox; one it did not finish (say, it was killed) is '
                    'delivered again after this. Keep it well above '
                    'webhook_timeout.'),
    cfg.IntOpt('delivery_batch', default=50, min=1,
               help='Deliveries a notifier takes from the outbox at once.'),
    cfg.FloatOpt('delivery_poll_interval', default=1.0, min=0.01,
                 help='Seconds an idle notifier waits before looking at '
                      'the outbox again (posts handled by its own process '
                      'wake it at once).'),
    cfg.ListOpt('destination_allowlist', default=[],
                help='Networks (CIDRs, addresses) and host names webhook '
                     'and mailto subscribers may reach although they are '
                     'loopback, private, link-local, multicast or '
                     'reserved; every other such destination is refused '
                     'at subscription time (400) and at delivery time '
                     '(failed delivery). Example: 10.0.0.0/8, '
                     'hooks.internal.example'),
    cfg.FloatOpt('webhook_timeout', default=10.0, min=0.1,
                 help='Seconds a webhook subscriber has to answer one '
                      'delivery before it counts as failed (and is '
                      'retried).'),
]


def list_opts():
    return {GROUP: OPTS}
