"""Writing a guest's signed URLs: private to its owner, replaced at once."""

from __future__ import annotations

import os
import tempfile


def write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path`` mode 0600, atomically (a reader sees the
    old file or the new one, never half of it)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.signed-urls-')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
