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


"""What every driver's topic migration must leave: the checks shared by the
SQL and MongoDB migration tests (each writes its old layout its own way)."""

from __future__ import annotations

from zaqar.storage import scope


def assert_topic_scope(test, driver, topic_sub: str, queue_sub: str) -> None:
    """Topic ``t`` of project ``p`` (metadata {"of": "topic"}, subscription
    ``topic_sub`` with secret ``topic-secret`` and one pending delivery)
    and queue ``t`` (subscription ``queue_sub``) are apart, each in its own
    scope, and the delivery leases in the topic scope."""
    queues = driver.queue_controller
    subs = driver.subscription_controller
    outbox = driver.delivery_controller
    topic = scope.TOPIC
    test.assertEqual({'of': 'topic'},
                     queues.get_metadata('t', project='p', scope=topic))
    test.assertEqual({'of': 'queue'}, queues.get_metadata('t', project='p'))
    test.assertEqual([], queues.list(project='\np')[0])
    test.assertEqual([topic_sub], [s.id for s in subs.list(
        't', project='p', scope=topic)[0]])
    test.assertEqual([queue_sub], [s.id for s in subs.list(
        't', project='p')[0]])
    test.assertEqual('topic-secret', outbox.state(
        't', topic_sub, project='p', scope=topic).secret)
    [leased] = outbox.lease(10, 30, project='p')
    test.assertEqual(('p', topic, topic_sub), (
        leased.project, leased.scope, leased.subscription_id))
    outbox.complete([leased])
