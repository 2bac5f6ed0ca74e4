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

"""The driver's Lua scripts: loaded once by SHA, reloaded after NOSCRIPT.

Each ``scripts/<name>.lua`` is sent with ``scripts/lib.lua`` prepended (its
shared helpers), so the SHA1 of a script is that of the combined text. The
SHA is computed locally: calls go straight to EVALSHA, and only a server
that lost its script cache (restart, SCRIPT FLUSH) answers NOSCRIPT, upon
which :meth:`ScriptSet.load_all` sends every script again in one pipeline.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

SCRIPT_DIR = os.path.join(os.path.dirname(__file__), 'scripts')

# The helper library prepended to every script.
LIBRARY = 'lib'


def _read(name: str) -> str:
    with open(os.path.join(SCRIPT_DIR, name + '.lua'), encoding='utf-8') as f:
        return without_license(f.read())


def without_license(text: str) -> str:
    """``text`` without a leading license comment (Redis need not get it)."""
    head, sep, rest = text.partition('\n\n')
    if sep and 'Licensed under' in head and all(
            line.startswith('--') for line in head.splitlines()):
        return rest
    return text


def script_names() -> list[str]:
    """Every script shipped in ``scripts/`` except the helper library."""
    return sorted(f[:-4] for f in os.listdir(SCRIPT_DIR)
                  if f.endswith('.lua') and f[:-4] != LIBRARY)


class Script:
    """One script's full source and SHA1."""

    __slots__ = ('name', 'sha', 'source')

    def __init__(self, name: str, library: str):
        self.name = name
        self.source = library + '\n' + _read(name)
        # Redis names a loaded script by its SHA-1 (EVALSHA): an identity.
        self.sha = hashlib.sha1(self.source.encode('utf-8'),
                                usedforsecurity=False).hexdigest()


class ScriptSet:
    """Every script by name, as EVALSHA commands."""

    def __init__(self) -> None:
        library = _read(LIBRARY)
        self.scripts = {name: Script(name, library)
                        for name in script_names()}

    def command(self, name: str, keys: Sequence[str],
                args: Sequence[Any]) -> tuple:
        """The EVALSHA command of script ``name``.

        A server without the script answers NOSCRIPT
        (``redis.exceptions.NoScriptError``): the caller's retry loop then
        loads them all and runs the call again.
        """
        return ('EVALSHA', self.scripts[name].sha, len(keys), *keys, *args)

    def load_all(self, wire: Any) -> None:
        """SCRIPT LOAD every script in one round trip."""
        shas = wire.batch([('SCRIPT', 'LOAD', script.source)
                           for script in self.scripts.values()])
        for script, sha in zip(self.scripts.values(), shas, strict=True):
            if isinstance(sha, bytes):
                sha = sha.decode()
            if sha != script.sha:  # pragma: no cover - a server bug
                raise RuntimeError(f'SHA mismatch for script {script.name}')
