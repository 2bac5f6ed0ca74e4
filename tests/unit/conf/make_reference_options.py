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

"""Regenerate reference_options.json from a reference zaqar installation.

Usage: python tests/unit/conf/make_reference_options.py /path/to/refvenv

Runs that virtualenv's oslo-config-generator once per namespace the
reference reads options from and keeps only groups, names, defaults and
deprecated aliases (no help text).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

# Namespaces the reference registers options from (its own and libraries').
NAMESPACES = (
    'zaqar',
    'keystonemiddleware.auth_token',
    'oslo.cache',
    'oslo.log',
    'oslo.middleware.cors',
    'oslo.policy',
    'oslo.reports',
    'osprofiler',
)
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'reference_options.json')


def _namespace(generator: str, namespace: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix='.json') as out:
        subprocess.run([generator, '--namespace', namespace, '--format',
                        'json', '--output-file', out.name], check=True)
        with open(out.name) as f:
            data = json.load(f)
    groups = {}
    for group, body in data['options'].items():
        opts = {}
        for opt in body['opts']:
            entry = {'default': opt['default']}
            aliases = [[d.get('group') or group, d['name']]
                       for d in opt.get('deprecated_opts') or []]
            if aliases:
                entry['deprecated'] = aliases
            opts[opt['name']] = entry
        if opts:
            groups[group] = opts
    return groups


def main(venv: str) -> None:
    generator = os.path.join(venv, 'bin', 'oslo-config-generator')
    version = subprocess.run(
        [os.path.join(venv, 'bin', 'python'), '-c',
         'import importlib.metadata as m; print(m.version("zaqar"))'],
        check=True, capture_output=True, text=True).stdout.strip()
    document = {
        'reference': f'zaqar {version}',
        'namespaces': {ns: _namespace(generator, ns) for ns in NAMESPACES},
    }
    with open(OUTPUT, 'w') as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1])
