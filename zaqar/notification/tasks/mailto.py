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

"""mailto: subscribers: one mail per message, over SMTP or a local command.

``[notification] smtp_mode = self_local`` talks SMTP to ``smtp_host``/
``smtp_port`` (STARTTLS when offered, login when ``smtp_user_name`` is
set); ``third_part`` pipes the whole mail to ``smtp_command`` (sendmail).
A message mail has the subscription's ``options.subject`` (else a subject
of ``mailto:...?subject=``, else "Zaqar Notification - <queue>") and
``options.from`` (else the confirmation template's sender) and carries the
message JSON as its text. Confirmation mails use the
``subscription_confirmation_email_template`` /
``unsubscribe_confirmation_email_template`` with a link to
``external_confirmation_url`` carrying the signed confirm parameters.

Refused recipients or senders and 5xx answers fail the delivery; anything
else (no server, timeouts, 4xx, a failing command) is retried.
"""

from __future__ import annotations

import json
import shlex
import smtplib
import subprocess  # nosec B404
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, urlencode, urlsplit

from zaqar.notification import destinations, outcome, subscribers
from zaqar.storage import base as storage_base

# Seconds an SMTP conversation or the mail command may take.
TIMEOUT = 30

# Confirmation fields passed on to external_confirmation_url.
_LINK_FIELDS = ('URL-Signature', 'URL-Methods', 'URL-Paths', 'URL-Expires',
                'X-Project-ID')


def address(subscriber: str) -> tuple[str, str | None]:
    """(recipient, subject from ``?subject=`` or None) of a mailto: URI."""
    parts = urlsplit(subscriber)
    subject = parse_qs(parts.query).get('subject', [None])[0]
    return parts.path, subject


def message_mail(subscriber: str, document: dict, options: dict,
                 conf) -> EmailMessage:
    recipient, uri_subject = address(subscriber)
    template = conf.notification.subscription_confirmation_email_template
    mail = EmailMessage()
    mail['To'] = recipient
    mail['From'] = options.get('from') or template.get('sender', '')
    source = document.get('queue_name') or document.get('topic_name')
    mail['Subject'] = (options.get('subject') or uri_subject
                       or f'Zaqar Notification - {source}')
    mail.set_content(json.dumps(document, indent=2, sort_keys=True) + '\n')
    return mail


def confirmation_link(conf, document: dict) -> str:
    params = {'Queue': document.get('queue_name')
              or document.get('topic_name', ''),
              'Subscription': document.get('subscription_id', '')}
    params.update({k: document[k] for k in _LINK_FIELDS if k in document})
    base = conf.notification.external_confirmation_url
    if not base:
        # No page to land on: hand over the signed request itself.
        signed = {k: document[k] for k in _LINK_FIELDS if k in document}
        return (f'PUT {document.get("URL-Paths", "")} with headers '
                f'{json.dumps(signed)}')
    sep = '&' if '?' in base else '?'
    return base + sep + urlencode(params)


def confirmation_mail(subscriber: str, document: dict, project: str,
                      unsubscribe: bool, conf) -> EmailMessage:
    recipient, _ = address(subscriber)
    group = conf.notification
    template = (group.unsubscribe_confirmation_email_template if unsubscribe
                else group.subscription_confirmation_email_template)
    mail = EmailMessage()
    mail['To'] = recipient
    mail['From'] = template.get('sender', '')
    mail['Subject'] = template.get('topic', '')
    body = template.get('body', '{0} {1} {2}')
    source = document.get('queue_name') or document.get('topic_name', '')
    # The signed document names the caller's project (not a topic's
    # storage namespace).
    project = document.get('X-Project-ID', project)
    mail.set_content(body.format(source, project,
                                 confirmation_link(conf, document)) + '\n')
    return mail


def send(mail: EmailMessage, conf) -> outcome.Outcome:
    """Hand ``mail`` over per ``smtp_mode``."""
    mail['Date'] = formatdate(localtime=False)
    mail['Message-ID'] = make_msgid(domain='zaqar')
    group = conf.notification
    if group.smtp_mode == 'self_local':
        return _smtp(mail, group)
    return _command(mail, group.smtp_command)


def _smtp(mail: EmailMessage, group) -> outcome.Outcome:
    if not group.smtp_host:
        return outcome.retry('[notification] smtp_host is not set')
    try:
        with smtplib.SMTP(group.smtp_host, group.smtp_port or 25,
                          timeout=TIMEOUT) as smtp:
            smtp.ehlo()
            if smtp.has_extn('starttls'):
                smtp.starttls()
                smtp.ehlo()
            if group.smtp_user_name:
                smtp.login(group.smtp_user_name,
                           group.smtp_user_password or '')
            smtp.send_message(mail)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        return outcome.failed(f'SMTP refused: {exc}')
    except smtplib.SMTPResponseException as exc:
        text = f'SMTP {exc.smtp_code} {exc.smtp_error!r}'
        if 500 <= exc.smtp_code < 600:
            return outcome.failed(text)
        return outcome.retry(text)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        return outcome.retry(f'SMTP failed: {type(exc).__name__}: {exc}')
    return outcome.delivered()


def _command(mail: EmailMessage, command: str) -> outcome.Outcome:
    try:
        # The command line is operator configuration, never client input;
        # the mail goes on stdin, no shell is involved.
        done = subprocess.run(shlex.split(command), input=mail.as_bytes(),  # nosec B603
                              capture_output=True, timeout=TIMEOUT,
                              check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return outcome.retry(f'{command!r} failed: {exc}')
    if done.returncode:
        error = done.stderr.decode('utf-8', 'replace').strip()[:200]
        return outcome.retry(f'{command!r} exited {done.returncode}: {error}')
    return outcome.delivered()


def _deliver(request: subscribers.Send) -> outcome.Outcome:
    try:
        destinations.check_subscriber(request.subscriber, request.allowlist)
    except destinations.DestinationRefused as exc:
        return outcome.failed(f'destination refused: {exc}')
    if request.kind == storage_base.DELIVERY_MESSAGE:
        mail = message_mail(request.subscriber, request.document,
                            request.options, request.conf)
    else:
        mail = confirmation_mail(
            request.subscriber, request.document, request.project,
            request.kind == storage_base.DELIVERY_UNSUBSCRIBE, request.conf)
    return send(mail, request.conf)


def _address(parts) -> str | None:
    if not parts.path or '@' not in parts.path:
        return 'A mailto: subscriber needs an address.'
    return None


#: mailto subscribers.
SCHEME = subscribers.Scheme(deliver=_deliver, validate=_address,
                            confirmable=True)
