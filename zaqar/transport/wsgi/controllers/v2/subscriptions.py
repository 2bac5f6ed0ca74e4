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

"""/v2/{queues,topics}/{name}/subscriptions[/{id}[/confirm]]."""

from __future__ import annotations

import pecan

from zaqar.storage import models
from zaqar.transport.wsgi import params, render
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


class _Scoped(base.Resource):
    """A resource below a queue or a topic (``/v2/<collection>/<name>``)."""

    def __init__(self, name: str, collection: str):
        self.name = name
        self.collection = collection
        # Topic actions are named topic_<action> and take topic_name.
        self.prefix = 'topic_' if collection == 'topics' else ''
        self.key = 'topic_name' if collection == 'topics' else 'queue_name'

    def run(self, action: str, **params):
        params[self.key] = self.name
        return self.call(self.prefix + action, **params)


class SubscriptionCollection(_Scoped):
    """Subscribe (POST) and list (GET)."""

    def __init__(self, name: str, collection: str = 'queues'):
        super().__init__(name, collection)
        self.href = f'/v2/{collection}/{name}/subscriptions'

    def on_post(self):
        created = self.run('subscription_create', payload=self.payload())
        body = {'subscription_id': created.subscription_id}
        if created.secret is not None:
            body['secret'] = created.secret
        return render.response(201, body, {'Location': self.href})

    def on_get(self):
        req = pecan.request
        limit = params.get_int(req, 'limit', 10)
        subs, next_marker = self.run(
            'subscription_list', marker=params.get_str(req, 'marker'),
            limit=limit)
        links = []
        if subs:
            shown = {'limit': limit} if 'limit' in req.GET else {}
            links.append(render.next_link(self.href, shown, next_marker))
        return render.response(200, {
            'subscriptions': [subscription(s) for s in subs],
            'links': links})

    @pecan.expose()
    def _lookup(self, subscription_id, *remainder):
        return Subscription(self.name, subscription_id,
                            self.collection), remainder


class Subscription(_Scoped):
    """GET, PATCH and DELETE one subscription."""

    def __init__(self, name: str, subscription_id: str,
                 collection: str = 'queues'):
        super().__init__(name, collection)
        self.subscription_id = subscription_id
        self.confirm = SubscriptionConfirm(name, subscription_id, collection)

    def on_get(self):
        sub, state = self.run('subscription_get',
                              subscription_id=self.subscription_id)
        body = subscription(sub)
        if state is not None:
            body['deliveries'] = deliveries(state)
        return render.response(200, body)

    def on_patch(self):
        secret = self.run('subscription_update',
                          subscription_id=self.subscription_id,
                          payload=self.payload())
        headers = {'Location': pecan.request.path}
        if secret is None:
            return render.no_content(headers)
        return render.response(200, {'subscription_id': self.subscription_id,
                                     'secret': secret}, headers)

    def on_delete(self):
        self.run('subscription_delete', subscription_id=self.subscription_id)
        return render.no_content()


class SubscriptionConfirm(_Scoped):
    """PUT .../confirm {"confirmed": bool}."""

    def __init__(self, name: str, subscription_id: str,
                 collection: str = 'queues'):
        super().__init__(name, collection)
        self.subscription_id = subscription_id

    def on_put(self):
        self.run('subscription_confirm', subscription_id=self.subscription_id,
                 payload=self.payload())
        return render.no_content({'Location': pecan.request.path})
