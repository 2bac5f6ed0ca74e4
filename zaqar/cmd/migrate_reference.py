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

"""zaqar-manage migrate-reference: copy a reference deployment's data.

``zaqar-manage --config-file NEW.conf migrate-reference --from-config
OLD.conf [--state-file PATH]`` reads the stores OLD.conf (the reference's
configuration) names and writes queues with their metadata, live messages,
subscriptions (and whether they were confirmed), pools, flavors and the
catalog into the stores NEW.conf names. Message bodies the reference
encrypted are opened with OLD.conf's key (the reference's default when it
sets none) and sealed again with NEW.conf's ``[transport]
message_encryption_key``, or stored plain when NEW.conf sets no key. Re-running it is safe: what the
state file lists is skipped. It ends with a verification table: per
project and queue, what the reference holds and what was copied.
"""

from __future__ import annotations

import os
import sys

from zaqar import bootstrap
from zaqar.api import crypto
from zaqar.migrate import bodies as bodies_mod
from zaqar.migrate import copier
from zaqar.migrate import source as source_mod

OK = 0
FAILED = 1


def add_command(subparsers) -> None:
    parser = subparsers.add_parser(
        'migrate-reference',
        help='Copy the data of a reference Zaqar deployment into this '
             'service\'s stores.')
    parser.add_argument('--from-config', required=True,
                        help='The reference deployment\'s zaqar.conf.')
    parser.add_argument('--state-file',
                        help='Where copied ids are recorded for resuming '
                             '(default: <data directory>/'
                             '<OLD.conf name>.migrated.json).')
    parser.set_defaults(migrate_fn=run)


def _state_path(args) -> str:
    if args.state_file:
        return args.state_file
    from zaqar.conf import paths
    name = os.path.basename(os.path.abspath(args.from_config))
    return os.path.join(paths.data_dir(), f'{name}.migrated.json')


def _print_summary(summary: copier.Summary, out=sys.stdout) -> int:
    print(f'{"what":<60} {"reference":>10} {"copied":>8}', file=out)
    short = 0
    for key, found, copied in summary.rows():
        mark = '' if copied >= found else '  <'
        short += bool(mark)
        print(f'{key:<60} {found:>10} {copied:>8}{mark}', file=out)
    messages = sum(c - summary.skipped[k] for k, c in summary.copied.items()
                   if k.startswith('messages '))
    rate = messages / summary.seconds if summary.seconds else 0.0
    print(f'{messages} messages in {summary.seconds:.1f} s '
          f'({rate:.0f} messages/s)', file=out)
    return short


def run(conf, args) -> int:
    try:
        source = source_mod.Source(source_mod.load_config(args.from_config))
    except (source_mod.SourceError, OSError) as exc:
        print(f'zaqar-manage migrate-reference: {exc}', file=sys.stderr)
        return FAILED
    try:
        storage = bootstrap.storage_from_conf(conf)
    except bootstrap.ConfigError as exc:
        print(f'zaqar-manage migrate-reference: {exc}', file=sys.stderr)
        return FAILED
    control_store = None
    if hasattr(source.management, 'pools'):
        try:
            control_store = bootstrap.management_store_from_conf(conf)
        except bootstrap.ConfigError as exc:
            print(f'pools, flavors and the catalog are not copied: {exc}',
                  file=sys.stderr)
    state = copier.State(_state_path(args))
    bodies = bodies_mod.Bodies(source.opener,
                               crypto.MessageCipher.from_conf(conf))

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        summary = copier.Copier(source, storage, control_store, state,
                                bodies, progress).run()
    finally:
        source.close()
        storage.close()
    short = _print_summary(summary)
    if short:
        print(f'{short} rows were not copied completely (marked <).',
              file=sys.stderr)
        return FAILED
    return OK
