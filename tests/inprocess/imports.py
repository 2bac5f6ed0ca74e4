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

"""The graph of ``zaqar`` imports, read from the source (nothing imported).

Every import executed at run time counts, deferred ones inside functions
included; imports under ``if TYPE_CHECKING:`` do not, since they never run.
"""

from __future__ import annotations

import ast
import pathlib

import zaqar

ROOT = pathlib.Path(zaqar.__file__).parent

# Layers from top to bottom; a module may import only its own layer or lower.
LAYERS = (
    # Commands, WSGI entry points and the client-side tools.
    ('zaqar.cmd', 'zaqar.wsgi', 'zaqar.bench', 'zaqar.agent'),
    # Building the service (or copying reference data) from config.
    ('zaqar.bootstrap', 'zaqar.migrate'),
    ('zaqar.transport',),
    ('zaqar.api',),
    ('zaqar.notification',),
    # Quotas, metrics and tracing: used by the layers above, use storage.
    ('zaqar.limits', 'zaqar.metrics', 'zaqar.tracing'),
    ('zaqar.storage',),
    ('zaqar.policies', 'zaqar.schemas', 'zaqar.conf', 'zaqar.common',
     'zaqar.serving'),
)


def modules() -> dict[str, pathlib.Path]:
    """{dotted module name: source file} of every zaqar module."""
    found = {}
    for path in ROOT.rglob('*.py'):
        parts = ('zaqar',) + path.relative_to(ROOT).with_suffix('').parts
        if parts[-1] == '__init__':
            parts = parts[:-1]
        found['.'.join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.If)
                and 'TYPE_CHECKING' in ast.unparse(node.test)):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imported(name: str, path: pathlib.Path, known) -> set[str]:
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree)
    package = name.split('.') if path.name == '__init__.py' else \
        name.split('.')[:-1]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = '.'.join(base + [node.module] if node.module
                                  else base)
            else:
                module = node.module or ''
            for alias in node.names:
                full = f'{module}.{alias.name}'
                targets.add(full if full in known else module)
    return {t for t in targets if t in known and t != name}


def graph() -> dict[str, set[str]]:
    """{module: modules it imports at run time}."""
    known = modules()
    return {name: _imported(name, path, known)
            for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer(module: str) -> int | None:
    """Position of ``module``'s layer in LAYERS (0 = top), None if none."""
    for position, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + '.') for p in prefixes):
            return position
    return None


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a lower layer imports a higher one."""
    found = []
    for importer, targets in edges.items():
        low = layer(importer)
        for target in targets:
            high = layer(target)
            if low is not None and high is not None and high < low:
                found.append((importer, target))
    return sorted(found)
