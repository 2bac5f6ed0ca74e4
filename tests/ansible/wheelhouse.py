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

"""Pinned packages fetched into a local directory, several pips at once.

pip downloads one file after another, and here each file costs a couple of
seconds of round trips whatever its size; the ~70 pinned packages of a
virtualenv take minutes that way. Fetching them with a few ``pip download
--no-deps`` processes side by side, then installing with ``--no-index
--find-links`` from the directory, takes a fraction of that.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# pip processes fetching at once.
_JOBS = 6
_TIMEOUT = 900


class DownloadFailed(Exception):
    """pip could not fetch a pinned package; the message says which."""


def pinned_lines(path: str) -> list[str]:
    """The requirement lines of a pinned requirements file."""
    with open(path) as f:
        lines = [line.split('#', 1)[0].strip() for line in f]
    return [line for line in lines if line]


def download(requirements: list[str], dest: str) -> None:
    """Fetch every pinned requirement (no dependencies) into ``dest``."""
    os.makedirs(dest, exist_ok=True)
    batches = [requirements[i::_JOBS] for i in range(_JOBS)]
    procs = [subprocess.Popen(
        [sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
         '--disable-pip-version-check', '-d', dest, *batch],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for batch in batches if batch]
    failures = []
    for proc in procs:
        try:
            out, _ = proc.communicate(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            failures.append('pip download timed out')
            continue
        if proc.returncode:
            failures.append(out[-1500:])
    if failures:
        raise DownloadFailed('\n'.join(failures))


def installed_closure(root: str) -> list[str]:
    """``name==version`` of every package ``root`` needs, as installed here.

    Walks the requirements of the installed distributions (markers
    evaluated for this interpreter, with the extras each requirement asks
    for, e.g. ``oslo.service[threading]``), ``root`` excluded.
    """
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = [(root, '')]
    while todo:
        raw, extra = todo.pop()
        name = canonicalize_name(raw)
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        dist = metadata.distribution(name)
        pins[name] = dist.version
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({'extra': extra}):
                todo.append((req.name, ''))
                todo += [(req.name, wanted) for wanted in req.extras]
    del pins[canonicalize_name(root)]
    return sorted(f'{name}=={version}' for name, version in pins.items())
