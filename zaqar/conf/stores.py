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

"""[drivers:message_store:*] / [drivers:management_store:*]: one group per
installed store driver.

The drivers are the entry points of ``zaqar.storage.data`` and
``zaqar.storage.control``; a driver's options are ``list_opts()`` of the
``options`` module beside the module its entry point names (for
``zaqar.storage.redis.driver:DataDriver``, ``zaqar.storage.redis.options``).
Only those small modules are imported, never a driver or its client
library, so listing options stays cheap and works without the libraries.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from importlib import metadata

DATA_NAMESPACE = 'zaqar.storage.data'
CONTROL_NAMESPACE = 'zaqar.storage.control'


def message_group(driver: str) -> str:
    """The option group of message store ``driver``."""
    return f'drivers:message_store:{driver}'


def management_group(driver: str) -> str:
    """The option group of management store ``driver``."""
    return f'drivers:management_store:{driver}'


def _options_module(entry_point) -> str | None:
    """The options module beside ``entry_point``'s module, if any."""
    package = entry_point.module.rpartition('.')[0]
    if not package:
        return None
    name = package + '.options'
    try:
        return name if importlib.util.find_spec(name) else None
    except ImportError:
        return None


@functools.cache
def _option_modules() -> tuple[tuple[str, str], ...]:
    """(group, options module) of every installed driver that has one."""
    found = []
    for namespace, group in ((DATA_NAMESPACE, message_group),
                             (CONTROL_NAMESPACE, management_group)):
        for entry_point in metadata.entry_points(group=namespace):
            module = _options_module(entry_point)
            if module is not None:
                found.append((group(entry_point.name), module))
    return tuple(found)


def list_opts() -> dict[str, list]:
    """Group name -> options, for every installed driver that has any."""
    return {group: importlib.import_module(module).list_opts()
            for group, module in _option_modules()}
