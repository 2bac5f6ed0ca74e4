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

"""Secrets seen during a test run, and the servers' logs they must stay out of.

With ``ZAQAR_TEST_LOG_DIR`` set (``.ci/run`` sets it), every server the
functional fixtures stop leaves its log files there, and every secret a
fixture hands out or a client sends or receives (Keystone tokens and
passwords, signed-URL keys and signatures, webhook secrets, secret-looking
options of a generated config) is written to ``secrets.tsv`` beside them.
``tests.ci_logscan`` then searches every kept log for every secret. Without
the variable nothing is kept and these functions do nothing.
"""

from __future__ import annotations

import configparser
import glob
import os
import re
import shutil
import uuid

LOG_DIR = os.environ.get('ZAQAR_TEST_LOG_DIR') or None
SECRETS_FILE = 'secrets.tsv'

# Shorter values would match by chance (and no real secret is this short).
MIN_LENGTH = 12

# Config options whose values are secrets, by name.
_SECRET_OPTION = re.compile(
    r'(password|secret|secret_key|token|hmac_keys|private_key)$', re.IGNORECASE)
_URL_PASSWORD = re.compile(r'://[^:/@\s]*:([^@/\s]+)@')

# Request headers and answer fields that carry secrets.
SECRET_HEADERS = ('X-Auth-Token', 'URL-Signature', 'X-Subject-Token')
SECRET_FIELDS = ('secret', 'signature', 'secret_key', 'password', 'token')


def remember(kind: str, value: object) -> None:
    """Record ``value`` as a secret that no log may contain."""
    if LOG_DIR is None or not isinstance(value, str):
        return
    value = value.strip()
    if len(value) < MIN_LENGTH or '\t' in value or '\n' in value:
        return
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, SECRETS_FILE), 'a') as f:
        f.write(f'{kind}\t{value}\n')


def remember_config(path: str) -> None:
    """Record the secret options (and URL passwords) of a config file."""
    if LOG_DIR is None or not os.path.exists(path):
        return
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path)
    except configparser.Error:
        return
    for section in parser.sections():
        for option, value in parser.items(section):
            if _SECRET_OPTION.search(option):
                for item in value.split(','):
                    remember(f'config {section}/{option}', item)
            for password in _URL_PASSWORD.findall(value):
                remember(f'config {section}/{option} URL password', password)


def remember_exchange(response, *args, **kwargs):
    """A requests response hook: secrets in the request and its answer."""
    if LOG_DIR is None:
        return response
    for header in SECRET_HEADERS:
        remember(f'request header {header}',
                 response.request.headers.get(header))
    if 'json' in response.headers.get('Content-Type', ''):
        try:
            body = response.json()
        except ValueError:
            return response
        if isinstance(body, dict):
            for field in SECRET_FIELDS:
                remember(f'answer field {field}', body.get(field))
    return response


def keep_logs(directory: str, label: str) -> None:
    """Copy a stopped server's ``*.log`` files into the run's log folder."""
    if LOG_DIR is None:
        return
    os.makedirs(LOG_DIR, exist_ok=True)
    stamp = uuid.uuid4().hex[:8]
    for path in glob.glob(os.path.join(directory, '*.log')):
        name = f'{label}-{stamp}-{os.path.basename(path)}'
        shutil.copyfile(path, os.path.join(LOG_DIR, name))
