"""/v2/queues/{name}/subscriptions[/{id}[/confirm]]."""

from __future__ import annotations

import pecan

from zaqar.storage import models
from zaqar.transport.wsgi import params
from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base


def subscription(sub: models.Subscription) -> dict:
    """A subscription as get and list show it."""
    return {'id': sub.id, 'source': sub.source, 'subscriber': sub.subscriber,
            'ttl': sub.ttl, 'age': sub.age, 'options': sub.options,
            'confirmed': sub.confirmed}


def deliveries(state) -> dict:
    """The failure record shown to the owner on get."""
    return {'failed': state.failed, 'last_error': state.last_error,
            'last_failure_at': (render.iso(state.last_failure_at)
                                if state.last_failure_at else None)}


class SubscriptionCollection(base.Resource):
    """Subscribe (POST) and list (GET)."""

    def __init__(self, queue_name: str):
        self.queue_name = queue_name
        self.href = f'/v2/queues/{queue_name}/subscriptions'

    def on_post(self):
        created = self.call('subscription_create', queue_name=self.queue_name,
                            payload=self.payload())
        body = {'subscription_id': created.subscription_id}
        if created.secret is not None:
            body['secret'] = created.secret
        return render.response(201, body, {'Location': self.href})

    def on_get(self):
        req = pecan.request
        limit = params.get_int(req, 'limit', 10)
        subs, next_marker = self.call(
            'subscription_list', queue_name=self.queue_name,
            marker=params.get_str(req, 'marker'), limit=limit)
        links = []
        if subs:
            shown = {'limit': limit} if 'limit' in req.GET else {}
            links.append(render.next_link(self.href, shown, next_marker))
        return render.response(200, {
            'subscriptions': [subscription(s) for s in subs],
            'links': links})

    @pecan.expose()
    def _lookup(self, subscription_id, *remainder):
        return Subscription(self.queue_name, subscription_id), remainder


class Subscription(base.Resource):
    """GET, PATCH and DELETE one subscription."""

    def __init__(self, queue_name: str, subscription_id: str):
        self.queue_name = queue_name
        self.subscription_id = subscription_id
        self.href = f'/v2/queues/{queue_name}/subscriptions/{subscription_id}'
        self.confirm = SubscriptionConfirm(queue_name, subscription_id)

    def on_get(self):
        sub, state = self.call('subscription_get', queue_name=self.queue_name,
                               subscription_id=self.subscription_id)
        body = subscription(sub)
        if state is not None:
            body['deliveries'] = deliveries(state)
        return render.response(200, body)

    def on_patch(self):
        secret = self.call('subscription_update', queue_name=self.queue_name,
                           subscription_id=self.subscription_id,
                           payload=self.payload())
        headers = {'Location': pecan.request.path}
        if secret is None:
            return render.no_content(headers)
        return render.response(200, {'subscription_id': self.subscription_id,
                                     'secret': secret}, headers)

    def on_delete(self):
        self.call('subscription_delete', queue_name=self.queue_name,
                  subscription_id=self.subscription_id)
        return render.no_content()


class SubscriptionConfirm(base.Resource):
    """PUT .../confirm {"confirmed": bool}."""

    def __init__(self, queue_name: str, subscription_id: str):
        self.queue_name = queue_name
        self.subscription_id = subscription_id

    def on_put(self):
        self.call('subscription_confirm', queue_name=self.queue_name,
                  subscription_id=self.subscription_id,
                  payload=self.payload())
        return render.no_content({'Location': pecan.request.path})
