"""Where the development-mode server keeps its data."""

import os

import platformdirs


def data_dir() -> str:
    """The user's data directory for zaqar (XDG on Linux), created."""
    path = os.environ.get('ZAQAR_DATA_DIR') or platformdirs.user_data_dir(
        'zaqar')
    os.makedirs(path, exist_ok=True)
    return path


def default_sqlite_uri() -> str:
    return 'sqlite:///' + os.path.join(data_dir(), 'zaqar.db')
