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

"""Where the signed-URL key comes from: the config file, or dev-mode storage.

With a config file, ``[signed_url] secret_key`` decides (empty: signed URLs
off), and ``[signed_url] enabled = true`` insists on a key. With no config
file at all (development mode) a random key is made once and kept in the
data directory, so URLs stay valid across restarts and workers.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile

from zaqar.conf import paths

LOG = logging.getLogger(__name__)

# File (in the data directory) holding the development-mode key.
DEV_KEY_FILE = 'signed_url_secret_key'
# Bytes of randomness in a generated key (hex-encoded, so 64 characters).
_DEV_KEY_BYTES = 32


class KeyConfigError(ValueError):
    """The configuration asks for signed URLs but gives no usable key."""


def resolve(conf) -> str | None:
    """The key to sign with, or None when signed URLs are off.

    Raises KeyConfigError when ``[signed_url] enabled = true`` has no key.
    """
    group = conf.signed_url
    key = (group.secret_key or '').strip() or None
    enabled = group.enabled
    if enabled is False:
        return None
    if key is None and not conf.config_file:
        return dev_key(paths.data_dir())
    if key is None and enabled:
        raise KeyConfigError(
            '[signed_url] enabled = true but [signed_url] secret_key is '
            'empty: set secret_key to a long random string (for example '
            'the output of "openssl rand -hex 32"), or set enabled = false.')
    if key is None:
        LOG.info('Signed URLs are off: [signed_url] secret_key is not set.')
    return key


def dev_key(directory: str) -> str:
    """The development-mode key in ``directory``, created on first use.

    Concurrent workers race safely: each writes a private temporary file
    and links it into place; whoever loses the race reads the winner's key.
    """
    path = os.path.join(directory, DEV_KEY_FILE)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.signed-url-key-')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(secrets.token_hex(_DEV_KEY_BYTES) + '\n')
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
            LOG.warning('Development mode: generated a signed-URL key in %s',
                        path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return _read(path)


def _read(path: str) -> str:
    with open(path) as f:
        key = f.read().strip()
    if not key:
        raise KeyConfigError(f'The signed-URL key file {path} is empty: '
                             'delete it to have a new key generated.')
    return key
