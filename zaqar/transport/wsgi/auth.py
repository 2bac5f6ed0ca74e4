"""Keystone token validation (keystonemiddleware auth_token)."""

from __future__ import annotations

from keystonemiddleware import auth_token


def wrap(app, conf):
    """Put auth_token in front of ``app``; it reads [keystone_authtoken]."""
    return auth_token.AuthProtocol(app, {'oslo_config_config': conf})
