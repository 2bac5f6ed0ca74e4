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

"""[transport] limits and defaults applied to every request."""

from oslo_config import cfg

GROUP = 'transport'

OPTS = [
    cfg.IntOpt('default_message_ttl', default=3600,
               help='TTL (seconds) of a message posted without one.'),
    cfg.IntOpt('default_message_delay', default=0,
               help='Delay (seconds) shown for queues that set none.'),
    cfg.IntOpt('default_claim_ttl', default=300,
               help='TTL (seconds) of a claim created without one.'),
    cfg.IntOpt('default_claim_grace', default=60,
               help='Grace (seconds) of a claim created without one.'),
    cfg.IntOpt('default_subscription_ttl', default=3600,
               help='TTL (seconds) of a subscription created without one.'),
    cfg.IntOpt('max_queues_per_page', default=20,
               help='Largest page of queues a list may ask for.'),
    cfg.IntOpt('max_messages_per_page', default=20,
               help='Largest page of messages, and most ids per bulk get '
                    'or delete.'),
    cfg.IntOpt('max_subscriptions_per_page', default=20,
               help='Largest page of subscriptions.'),
    cfg.IntOpt('max_messages_per_claim_or_pop', default=20,
               help='Most messages one claim or pop may take.'),
    cfg.IntOpt('max_queue_metadata', default=64 * 1024,
               help='Largest queue metadata document, in bytes.'),
    cfg.IntOpt('max_messages_post_size', default=256 * 1024,
               help='Largest message-post request body, in bytes.'),
    cfg.IntOpt('max_message_ttl', default=1209600,
               help='Longest message TTL, in seconds (shortest is 60).'),
    cfg.IntOpt('max_message_delay', default=900,
               help='Longest message delay, in seconds.'),
    cfg.IntOpt('max_claim_ttl', default=43200,
               help='Longest claim TTL, in seconds (shortest is 60).'),
    cfg.IntOpt('max_claim_grace', default=43200,
               help='Longest claim grace, in seconds (shortest is 60).'),
    cfg.ListOpt('subscriber_types',
                default=['http', 'https', 'mailto', 'trust+http',
                         'trust+https'],
                help='Subscriber URI schemes a subscription may use.'),
    cfg.IntOpt('max_flavors_per_page', default=20,
               help='Largest page of flavors.'),
    cfg.IntOpt('max_pools_per_page', default=20,
               help='Largest page of pools.'),
    cfg.StrOpt('client_id_uuid_safe', default='strict',
               choices=['strict', 'lax', 'off'],
               help='How the Client-ID header is checked: strict (a UUID), '
                    'off (length between the two limits below), lax '
                    '(anything).'),
    cfg.IntOpt('min_length_client_id', default=10,
               help='Shortest Client-ID when client_id_uuid_safe = off.'),
    cfg.IntOpt('max_length_client_id', default=36,
               help='Longest Client-ID when client_id_uuid_safe = off.'),
    cfg.FloatOpt('queue_metadata_cache_ttl', default=1.0, min=0,
                 help='Seconds each API worker remembers a queue\'s '
                      'settings when posting messages (saves a storage '
                      'round trip per post; a PATCH made through another '
                      'worker applies to posts within this delay). 0 '
                      'turns the memo off.'),
    cfg.BoolOpt('message_delete_with_claim_id', default=False,
                help='Bulk delete by ids must also name the claims '
                     '(claim_ids) holding the messages.'),
    cfg.StrOpt('message_encryption_algorithms', default='AES256',
               choices=['AES256'],
               help='Cipher for queues with _enable_encrypt_messages.'),
    cfg.StrOpt('message_encryption_key', default='', secret=True,
               help='Key for encrypted queues. Empty refuses encrypted '
                    'queues: there is no built-in key.'),
]


def list_opts():
    return {GROUP: OPTS}
