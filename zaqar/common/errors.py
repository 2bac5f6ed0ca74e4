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

"""API errors: each class carries its status and title; transports render them."""

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
