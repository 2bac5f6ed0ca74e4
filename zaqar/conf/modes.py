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

"""Which defaults hold: the reference's, or the no-config development mode.

With any configuration file (or directory) the reference's defaults apply,
so an operator's existing ``zaqar.conf`` that never named a message store
runs on MongoDB as it did before, not on an empty SQLite file. Only with no
configuration at all do the stores default to the embedded SQLite file.
"""

from __future__ import annotations

from oslo_config import cfg

# [drivers] options whose default depends on the mode.
STORE_OPTIONS = ('message_store', 'management_store')
# What the reference defaults to, and what development mode runs on.
REFERENCE_STORE = 'mongodb'
DEVELOPMENT_STORE = 'sqlalchemy'

_DEFAULTED = (cfg.Locations.opt_default, cfg.Locations.set_default)


def development(conf: cfg.ConfigOpts) -> bool:
    """True when no configuration file or directory was read at all."""
    return not conf.config_file and not conf.config_dir


def apply(conf: cfg.ConfigOpts) -> None:
    """Set the store defaults for the mode of the just-parsed ``conf``.

    Called after every parse: a process that parses again with other
    files (tests, ``zaqar-manage``) gets the defaults of its new mode.
    """
    store = DEVELOPMENT_STORE if development(conf) else REFERENCE_STORE
    for name in STORE_OPTIONS:
        conf.set_default(name, store, group='drivers')


def stores_by_default(conf: cfg.ConfigOpts) -> list[str]:
    """The [drivers] store options nobody set (their default applies)."""
    return [name for name in STORE_OPTIONS
            if conf.get_location(name, 'drivers').location in _DEFAULTED]
