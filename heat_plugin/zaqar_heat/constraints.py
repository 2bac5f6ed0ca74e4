"""Custom constraints (entry points ``heat.constraints``)."""

from __future__ import annotations

from heat.engine import constraints

from zaqar_heat import rest


class FlavorConstraint(constraints.BaseCustomConstraint):
    """``zaqar.flavor``: a flavor of the messaging service that exists."""

    expected_exceptions = (rest.NotFound,)

    def validate_with_client(self, client, value):
        api = rest.Messaging(client.client_plugin('zaqar'))
        api.get(f'/v2/flavors/{rest.quoted(value)}')
