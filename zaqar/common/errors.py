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

"""API errors: each class carries its status and title; transports render them.

Fixed wordings live here, on ``Worded`` subclasses whose ``wording`` (and
``title_wording``) name their fields: a raise site passes data only, and the
request schemas (``zaqar.schemas``) name these classes in ``x-error``.
"""

from __future__ import annotations


class ConfigError(Exception):
    """The configuration cannot run a service; the message says why.

    Not an API answer: commands print it and exit (zaqar.cmd).
    """


class APIError(Exception):
    """An answer to the client other than success.

    Rendered as ``{"title": ..., "description": ...}`` (description omitted
    when None) with ``status`` and any extra ``headers``.
    """

    status = 500
    title = 'Internal server error'

    def __init__(self, description: str | None = None, *,
                 title: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(description or title or self.title)
        self.description = description
        if title is not None:
            self.title = title
        self.headers = headers or {}

    def to_dict(self) -> dict:
        body = {'title': self.title}
        if self.description is not None:
            body['description'] = self.description
        return body


class BadRequest(APIError):
    """Semantic validation failure."""
    status = 400
    title = 'Invalid API request'


class InvalidBody(APIError):
    """Body unparsable or of the wrong shape."""
    status = 400
    title = 'Invalid request body'


class InvalidParameter(APIError):
    """A query parameter of the wrong type."""
    status = 400
    title = 'Invalid parameter'


class MissingHeader(APIError):
    status = 400
    title = 'Missing header value'


class InvalidHeader(APIError):
    status = 400


class Unauthorized(APIError):
    status = 401
    title = 'Authentication required'


class Forbidden(APIError):
    status = 403
    title = 'Not authorized'

    def __init__(self, description: str | None = None, **kwargs):
        super().__init__(description or 'You are not authorized to complete '
                         'this action.', **kwargs)


class NotFound(APIError):
    status = 404
    title = 'Not found'


class RouteNotFound(APIError):
    """Unknown path (or a refused signed URL): title only, as clients expect."""
    status = 404
    title = '404 Not Found'


class MethodNotAllowed(APIError):
    status = 405
    title = '405 Method Not Allowed'


class NotAcceptable(APIError):
    status = 406
    title = '406 Not Acceptable'


class Conflict(APIError):
    status = 409
    title = 'Resource conflict'


class UnsupportedMediaType(APIError):
    status = 415
    title = '415 Unsupported Media Type'


class ServiceUnavailable(APIError):
    status = 503
    title = 'Service temporarily unavailable'

    def __init__(self, what: str = 'The request could not be completed',
                 **kwargs):
        super().__init__(f'{what}. Please try again in a few seconds.',
                         **kwargs)


class UnableToDelete(APIError):
    title = 'Unable to delete'

    def __init__(self, description: str, status: int):
        super().__init__(description)
        self.status = status


class MessageClaimed(UnableToDelete):
    """A claimed message deleted without (or with another) claim id."""

    def __init__(self):
        super().__init__('This message is claimed; it cannot be deleted '
                         'without a valid claim ID.', 403)


class MessageNotClaimed(UnableToDelete):
    """A claim id given for a message no claim holds."""

    def __init__(self):
        super().__init__('A claim was specified, but the message is not '
                         'currently claimed.', 400)


class ClaimGone(UnableToDelete):
    """A message delete naming a claim that is missing or expired."""

    def __init__(self):
        super().__init__('The specified claim does not exist or has '
                         'expired.', 400)


class TooManyRequests(APIError):
    """A quota or rate limit refused the request (zaqar.limits).

    The description names the limit; ``Retry-After`` says when to retry.
    """
    status = 429
    title = 'Limit exceeded'

    def __init__(self, description: str, retry_after: int, **kwargs):
        super().__init__(description,
                         headers={'Retry-After': str(retry_after)}, **kwargs)
        self.retry_after = retry_after


class Worded:
    """Mixin: the description (and title) are templates over named fields.

    ``QueueNotFound(name='q', project='p')``; fields the template does not
    use are ignored, so a schema rule can pass all it knows.
    """

    wording: str | None = None
    title_wording: str | None = None

    def __init__(self, *, title: str | None = None,
                 headers: dict[str, str] | None = None, **fields):
        self.fields = fields
        description = None
        if self.wording is not None:
            description = self.wording.format_map(_Fields(fields))
        if title is None and self.title_wording is not None:
            title = self.title_wording.format_map(_Fields(fields))
        super().__init__(description, title=title, headers=headers)


class _Fields(dict):
    """Fields for ``str.format_map``: a missing one is a bug, say which."""

    def __missing__(self, key):
        raise KeyError(f'wording field {key!r} not given')


# Request rules (named by the request schemas' ``x-error``).

class FieldNotInt(Worded, InvalidBody):
    wording = 'The value of the "{field}" field must be a int.'


class DocumentType(Worded, InvalidBody):
    wording = 'Document type not supported.'


class BodyUnparsable(Worded, InvalidBody):
    wording = 'Request body could not be parsed.'


class BodyEmpty(Worded, InvalidBody):
    wording = 'Request body can not be empty'


class PageLimit(Worded, BadRequest):
    wording = ('Limit must be at least 1 and may not be greater than '
               '{maximum}.')


class QueuePageLimit(Worded, BadRequest):
    wording = 'Limit must be at least 1 and no greater than {maximum}.'


class PopValue(Worded, BadRequest):
    wording = ('Pop value must be at least 1 and may not be greater than '
               '{maximum}.')


class IdsCount(Worded, BadRequest):
    wording = ('ids parameter should have at least 1 and not greater than '
               '{maximum} values.')


class NotAnInteger(Worded, InvalidParameter):
    wording = ('The "{field}" parameter is invalid. The value must be an '
               'integer.')


class NotABoolean(Worded, InvalidParameter):
    wording = ('The "{field}" parameter is invalid. The value of the '
               'parameter must be "true" or "false".')


class MessageTTL(Worded, BadRequest):
    wording = ('The TTL for a message may not exceed {maximum} seconds, and '
               'must be at least {minimum} seconds long.')


class MessageDelay(Worded, BadRequest):
    wording = ('The Delay TTL for a message may not exceed {maximum} '
               'seconds,and must be at least {minimum} seconds long.')


class NoMessagesFound(Worded, BadRequest):
    wording = 'No messages were found in the request body.'


class NoMessagesToEnqueue(Worded, BadRequest):
    wording = 'No messages to enqueu.'


class MissingMessageBody(Worded, InvalidBody):
    wording = 'Missing "body" field.'


class MessagesTooLarge(Worded, BadRequest):
    wording = 'Message collection size is too large. Max size {maximum}'


class QueueMessagesTooLarge(Worded, BadRequest):
    wording = ('Message collection size is too large. The max size for '
               'current queue is {per_queue}. It is calculated by max size '
               '= min(max_messages_post_size_config: {configured}, '
               'max_messages_post_size_queue: {per_queue}).')


class EncryptionKeyMissing(Worded, BadRequest):
    wording = ('This queue encrypts messages but no message_encryption_key '
               'is configured.')


class MessagesNotFound(Worded, NotFound):
    wording = ('No messages with IDs: {ids!r} found in the queue {queue} '
               'for project {project}.')


class DeleteNeedsIdsOrPop(Worded, BadRequest):
    wording = ('The request should have either "ids" or "pop" parameter in '
               'the request, to be able to delete.')


class DeleteIdsAndPop(Worded, BadRequest):
    wording = ('pop and id params cannot be present together in the delete '
               'request.')


class DeleteNeedsClaimIds(Worded, BadRequest):
    wording = ('The request should have both "ids" and "claim_ids" parameter '
               'in the request when message_delete_with_claim_id is True.')


class ClaimTTL(Worded, BadRequest):
    wording = ('The TTL for a claim may not exceed {maximum} seconds, and '
               'must be at least {minimum} seconds long.')


class ClaimGrace(Worded, BadRequest):
    wording = ('The grace for a claim may not exceed {maximum} seconds, and '
               'must be at least {minimum} seconds long.')


class ClaimGraceNegative(Worded, BadRequest):
    wording = 'The grace for a claim must not be negative.'


class QueueMetadataTooLarge(Worded, BadRequest):
    wording = 'Queue metadata is too large. Max size: {maximum}'


class MetadataNotInteger(Worded, BadRequest):
    wording = '{field} must be integer.'


class DefaultMessageTTL(Worded, BadRequest):
    wording = ('_default_message_ttl can not exceed {maximum} seconds, and '
               'must be at least {minimum} seconds long.')


class MaxMessagesPostSize(Worded, BadRequest):
    wording = ('_max_messages_post_size can not exceed {maximum},  and must '
               'be at least greater than 0.')


class DefaultMessageDelay(Worded, BadRequest):
    wording = ('The TTL can not exceed {maximum} seconds, and must be at '
               'least {minimum} seconds long.')


class PurgeNeedsTypes(Worded, BadRequest):
    wording = 'Post body must contain key "resource_types".'


class PurgeTypes(Worded, BadRequest):
    wording = ("Resource types must be a sub set of {{'messages', "
               "'subscriptions'}}.")


class ProjectIdTooLong(Worded, BadRequest):
    title = 'Invalid project identification'
    wording = 'The project id may not be longer than {maximum} characters.'


class ProjectIdInvalid(Worded, BadRequest):
    title = 'Invalid project identification'
    wording = 'The project id is not valid.'


class InvalidName(Worded, BadRequest):
    """A queue or topic name (or its project id) of the wrong form."""
    wording = ('The format of the submitted {kind} name or project id is '
               'not valid.')
    title_wording = 'Invalid {kind} identification'


class ClientIdRequired(Worded, MissingHeader):
    wording = 'The "Client-Id" header is required.'


class ClientIdNotUUID(Worded, InvalidHeader):
    title = 'Wrong UUID value'
    wording = 'Malformed hexadecimal UUID.'


class ClientIdLength(Worded, InvalidHeader):
    title_wording = ('Length of client id must be at least {minimum} and no '
                     'greater than {maximum}.')



class MetadataNotString(Worded, BadRequest):
    wording = '{field} must be a string.'


class MetadataNotBoolean(Worded, BadRequest):
    wording = '{field} must be boolean.'


class MetadataNotDict(Worded, BadRequest):
    wording = '{field} must be a dict.'


class MetadataNegative(Worded, BadRequest):
    wording = '{field} must be at least {minimum}.'


class DeadLetterQueueName(Worded, BadRequest):
    wording = '_dead_letter_queue must be a valid queue name.'


class SubscriptionExists(Worded, Conflict):
    """Create: the subscriber is already subscribed and confirmed."""
    wording = ('Such subscription already exists.Subscriptions are unique '
               'by project + queue + subscriber URI.')


class SubscriptionExistsOnUpdate(Worded, Conflict):
    wording = ('Such subscription already exists. Subscriptions are unique '
               'by project + queue + subscriber URI.')


class FlavorPoolMissing(Worded, BadRequest):
    """A flavor naming a pool that is not registered."""
    wording = 'Flavor {name} could not be {verb}d, error:{error}'
    title_wording = 'Unable to {verb}'


class PatchPathMissing(Worded, InvalidBody):
    wording = "Unable to find 'path' in JSON Schema change"


class PatchPointerStart(Worded, InvalidBody):
    wording = 'Pointer `{path}` does not start with "/".'


class PatchPointer(Worded, InvalidBody):
    wording = ("Invalid JSON pointer for this resource: '{path}, e.g "
               "/metadata/key'")


class PatchEscape(Worded, InvalidBody):
    wording = 'Invalid `~` escape in pointer `{path}`.'


class PatchRoot(Worded, InvalidBody):
    wording = 'The root of path must be metadata, e.g /metadata/key.'


class PatchNotArray(Worded, InvalidBody):
    wording = 'Request body must be a JSON array of operation objects.'


class PatchOperationNotObject(Worded, InvalidBody):
    wording = 'Operations must be JSON objects.'


class PatchOpMissing(Worded, InvalidBody):
    wording = ('Unable to find `op` in JSON Schema change. It must be one of '
               'the following: add, remove, replace.')


class PatchOpInvalid(Worded, InvalidBody):
    wording = ('Invalid operation: `{op}`. It must be one of the following: '
               'add, remove, replace.')


class PatchValueMissing(Worded, InvalidBody):
    wording = 'Operation "{op}" requires a member named "value".'


class PatchReplaceMissing(Worded, Conflict):
    wording = "Can't replace non-existent object {key}."


class PatchRemoveMissing(Worded, Conflict):
    wording = "Can't remove non-existent object {key}."


class PatchEmpty(Worded, InvalidBody):
    wording = 'PATCH body could not be empty for update.'


class FormContent(Worded, BadRequest):
    title = 'Invalid Content-Type'
    wording = ('Endpoint does not accept `application/x-www-form-urlencoded` '
               'content; currently supported media type is '
               '`application/json`; specify proper client-side media type '
               'with the "Content-Type" header.')


class ProjectIdMissing(Worded, BadRequest):
    title = 'Project-Id Missing'
    wording = 'The header X-PROJECT-ID was missing'


class ProjectIdEmpty(Worded, BadRequest):
    title = 'Empty project header not allowed'
    wording = ('X-PROJECT-ID cannot be an empty string. Specify the right '
               'header X-PROJECT-ID and retry.')


class PatchMediaType(Worded, UnsupportedMediaType):
    wording = ("Accepted media type for PATCH: {{'Accept-Patch': "
               "'{media_type}'}}.")


class HealthAdminOnly(Worded, NotFound):
    wording = 'Health is only served with admin_mode on.'


class ConnectionSubscriptionsFull(Worded, BadRequest):
    wording = 'A connection may hold at most {maximum} subscriptions.'


class FlavorPoolListMissing(Worded, InvalidBody):
    wording = '`pool_list` needs to be specified'


class PoolURIRefused(Worded, InvalidBody):
    wording = 'The pool URI is not allowed: {why}'


class AdminName(Worded, BadRequest):
    wording = ('The format of the submitted {kind} name is not valid: use up '
               'to {maximum} letters, digits, "_" and "-".')


class PoolUnreachable(Worded, InvalidBody):
    wording = 'cannot connect to {uri}'


class PoolUpdateEmpty(Worded, InvalidBody):
    wording = ('One of `uri`, `weight`, `flavor`, or `options` needs to be '
               'specified')


class ShareUnknownKeys(Worded, BadRequest):
    wording = 'Unknown keys: {keys}'


class SharePathsNotList(Worded, BadRequest):
    wording = '`paths` should be a list'


class SharePaths(Worded, BadRequest):
    wording = 'Invalid paths: {paths}'


class ShareMethodsNotList(Worded, BadRequest):
    wording = '`methods` should be a list'


class ShareMethodNames(Worded, BadRequest):
    wording = '`methods` should be a list of HTTP method names'


class ShareMethods(Worded, BadRequest):
    wording = 'Invalid methods: {methods}; a URL can be signed for {signable}.'


class ShareExpired(Worded, BadRequest):
    wording = '`expires` is lower than the current time'


# The WebSocket ping's 503 ("<what failed>. Please try again...").
STORAGE_UNREACHABLE = 'The storage cannot be reached'


class SubscriberType(Worded, BadRequest):
    wording = ('The subscriber type of subscription must be supported in the '
               'list {allowed!r}.')


class SubscriberTooLong(Worded, BadRequest):
    wording = 'The subscriber may not be longer than {maximum} characters.'


class SubscriberScheme(Worded, BadRequest):
    wording = 'No subscriber scheme {scheme!r} is installed.'


class SubscriberDestination(Worded, BadRequest):
    wording = 'The subscriber destination is not allowed: {why}'


class SubscriptionTTLNotInt(Worded, BadRequest):
    wording = 'TTL must be an integer.'


class SubscriptionTTL(Worded, BadRequest):
    wording = ('The TTL for a subscription must be at least {minimum} seconds'
               ' long.')


class SubscriptionExpiry(Worded, BadRequest):
    wording = ('The TTL seconds for a subscription plus current time must be '
               'less than 9999-12-31 23:59:59.999999.')


class OptionsNotDict(Worded, BadRequest):
    wording = 'Options must be a dict.'


class OptionsTooLarge(Worded, BadRequest):
    wording = 'Options may not be larger than {maximum} bytes of JSON.'


class OptionsPostHeaders(Worded, BadRequest):
    wording = 'Options post_headers must be an object of strings.'


class OptionNotString(Worded, BadRequest):
    wording = 'Options {field} must be a string.'


class SubscriptionNotDict(Worded, InvalidBody):
    wording = 'Subscriptions must be a dict.'


class SubscriberMissing(Worded, BadRequest):
    wording = 'Missing parameter subscriber in body.'


class SubscriptionUpdateEmpty(Worded, BadRequest):
    wording = 'No subscription to create.'


class SubscriptionUpdateKeys(Worded, BadRequest):
    title = 'Unable to update subscription'
    wording = 'Subscription {id} could not be updated.'


class RotateSecretNotBool(Worded, BadRequest):
    wording = 'rotate_secret must be a boolean.'


class ConfirmedNotBool(Worded, BadRequest):
    wording = "The 'confirmed' should be boolean."


class SubscriptionCreateRaced(Worded, ServiceUnavailable):
    """The subscriber kept appearing and expiring under a create."""
    wording = 'Subscription could not be created'


class TopicNotFound(Worded, NotFound):
    wording = 'Topic {name} does not exist for project {project}'


class TopicMessageNotFound(Worded, NotFound):
    """Topics keep no messages."""
    wording = ('Message {id} does not exist in topic {topic} for project '
               '{project}')


class NoPool(Worded, ServiceUnavailable):
    """Pooling with no pool for the queue: said, still a 503."""
    wording = '{what}: {why}'


class RetryPolicyNotDict(Worded, BadRequest):
    wording = 'retry_policy must be a dict.'


class RetryPolicyNotInt(Worded, BadRequest):
    wording = 'Retry policy: {field} must be a integer.'


class RetryPolicyNegative(Worded, BadRequest):
    wording = 'Retry policy: {field} must not be negative.'


class RetryBackoffNotString(Worded, BadRequest):
    wording = 'retry_backoff_function must be a string.'


class RetryBackoffUnknown(Worded, BadRequest):
    wording = 'invalid retry_backoff_function.'


class RetryOverrideNotBool(Worded, BadRequest):
    wording = 'ignore_subscription_override must be a boolean.'


class MessageKeyNotString(Worded, InvalidBody):
    """A message's ``dedup_id`` or ``group`` that is not a string."""
    wording = 'The value of the "{field}" field must be a string.'


class MessageKeyLength(Worded, BadRequest):
    wording = ('The "{field}" of a message must be {minimum} to {maximum} '
               'characters long.')


class DedupWindow(Worded, BadRequest):
    wording = ('_dedup_window can not exceed {maximum} seconds, and must be '
               'at least {minimum} seconds long.')


class WaitSeconds(Worded, BadRequest):
    """A long poll's ``wait`` out of range (or not an integer)."""
    wording = ('The "wait" parameter must be an integer from 0 to {maximum} '
               '(seconds).')


class ShareExpiresNull(Worded, BadRequest):
    wording = ('`expires` should be date format, for example '
               '2016-01-01T00:00:00, not null')


# Dead-letter redrive (zaqar.api.redrive).

class RedriveTaskNotFound(Worded, NotFound):
    wording = 'Redrive task {id} of queue {queue} does not exist.'


class RedriveUnknownKeys(Worded, BadRequest):
    wording = 'Unknown keys: {keys}.'


class RedriveQueueNotFound(Worded, NotFound):
    wording = 'Queue {queue} does not exist.'


class RedriveUnfinished(Worded, Conflict):
    wording = ('Queue {queue} has an unfinished redrive task; cancel it or '
               'wait for it to end.')


class RedriveMaxMessages(Worded, BadRequest):
    wording = 'max_messages must be an integer from 1 to {maximum}.'


class RedriveRate(Worded, BadRequest):
    wording = ('rate must be a number of messages per second above 0 and at '
               'most {maximum}.')


class RedriveDestinationType(Worded, BadRequest):
    wording = 'destination must be a queue name.'


class RedriveDestinationSame(Worded, BadRequest):
    wording = 'destination must differ from the queue being redriven.'


class RedriveNoSource(Worded, BadRequest):
    wording = ('No queue names {queue} as its _dead_letter_queue; give a '
               'destination.')


class RedriveSeveralSources(Worded, BadRequest):
    wording = ('Several queues dead-letter into {queue} ({found}); give a '
               'destination.')
