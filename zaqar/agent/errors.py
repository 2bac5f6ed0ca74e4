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

"""What the driver raises: oslo.messaging exceptions with a clear cause."""

from __future__ import annotations

import oslo_messaging


class SignedURLRefused(oslo_messaging.MessagingException):
    """The server refused a signed URL: expired, tampered or not covering.

    A guest cannot recover from this by retrying; the operator must issue
    new signed URLs (``zaqar-agent provision`` again).
    """


class NotGranted(oslo_messaging.MessagingException):
    """No signed URL in the guest's set covers this queue path and method.

    Raised before any request is sent: the guest only talks to the server
    about what it was given.
    """


class ServerUnavailable(oslo_messaging.MessageDeliveryFailure):
    """The server could not be reached (or answered 5xx) after the retries
    the caller allowed."""


class RequestRefused(oslo_messaging.MessageDeliveryFailure):
    """The server answered a client error (4xx) that retrying cannot fix."""


class AuthRefused(oslo_messaging.MessagingException):
    """Keystone refused the driver's credentials (retrying cannot help)."""


class AuthUnavailable(Exception):
    """Keystone could not be reached; the request is retried like an
    unreachable Zaqar."""
