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

"""zaqar-status: checks to run before (re)starting the service after an upgrade.

``zaqar-status [--config-file ...] upgrade check [--json]`` prints one row
per check; the exit status is the worst result: 0 success, 1 warning,
2 failure (255 when a check itself crashed).
"""

from __future__ import annotations

import os
import sys

import sqlalchemy as sa
from oslo_policy import policy as oslo_policy
from oslo_upgradecheck import upgradecheck

from zaqar import bootstrap, policies
from zaqar import conf as zconf
from zaqar.conf import modes, paths

Code = upgradecheck.Code
Result = upgradecheck.Result

# Shortest signed-URL key we do not warn about (bytes of HMAC-SHA256 key).
MIN_KEY_LENGTH = 32


def _redacted(uri: str) -> str:
    try:
        return sa.engine.make_url(uri).render_as_string(hide_password=True)
    except Exception:
        return uri.split('@')[-1]


class Checks(upgradecheck.UpgradeCommands):
    """The checks, each reading the configuration it is given."""

    def __init__(self, conf=None):
        super().__init__()
        self.conf = conf if conf is not None else zconf.CONF

    def check(self):
        # The stores' defaults depend on whether a config file was read.
        modes.apply(self.conf)
        return super().check()

    def _stores_chosen(self) -> Result:
        conf = self.conf
        defaulted = modes.stores_by_default(conf)
        if not defaulted:
            return Result(Code.SUCCESS, 'Both stores are set in the '
                                        'configuration.')
        chosen = ', '.join(f'{name} = {conf.drivers[name]}'
                           for name in defaulted)
        if modes.development(conf):
            return Result(Code.WARNING,
                          f'No configuration file: development mode '
                          f'([drivers] {chosen}, the embedded SQLite file '
                          f'{paths.default_sqlite_uri()}).')
        return Result(Code.WARNING,
                      f'[drivers] {chosen} by default (not set in '
                      f'{", ".join(conf.config_file) or conf.config_dir}): '
                      f'set the stores explicitly.')

    def _storage_reachable(self) -> Result:
        conf = self.conf
        try:
            storage = bootstrap.storage_from_conf(conf)
        except bootstrap.ConfigError as exc:
            return Result(Code.FAILURE, str(exc))
        except Exception as exc:
            return Result(Code.FAILURE,
                          f'The {conf.drivers.message_store} store cannot be '
                          f'set up: {exc}')
        try:
            if not storage.is_alive():
                return Result(Code.FAILURE,
                              f'The {conf.drivers.message_store} store at '
                              f'{_redacted(storage.uri)} does not answer.')
        finally:
            storage.close()
        return Result(Code.SUCCESS,
                      f'{conf.drivers.message_store} store answers.')

    def _sql_schema(self) -> Result:
        conf = self.conf
        if conf.drivers.message_store != 'sqlalchemy':
            return Result(Code.SUCCESS, 'Not using the SQL store.')
        from zaqar.storage.sqlalchemy import engine as sql_engine
        from zaqar.storage.sqlalchemy import migration
        uri = (conf['drivers:message_store:sqlalchemy'].uri
               or paths.default_sqlite_uri())
        url = sa.engine.make_url(uri)
        if (url.get_backend_name() == 'sqlite' and url.database
                and url.database != ':memory:'
                and not os.path.exists(url.database)):
            return Result(Code.WARNING,
                          f'The SQLite database {url.database} does not '
                          'exist yet: the server creates it on first use '
                          '(or run "zaqar-manage db sync").')
        engine = sql_engine.create_engine(uri)
        try:
            current = migration.version(engine)
        except sa.exc.SQLAlchemyError as exc:
            return Result(Code.FAILURE, f'Cannot read the schema version of '
                                        f'{_redacted(uri)}: {exc}')
        finally:
            engine.dispose()
        head = migration.head()
        if current is None:
            return Result(Code.WARNING,
                          f'{_redacted(uri)} holds no zaqar schema yet: run '
                          '"zaqar-manage db sync" (the server creates it in '
                          'an empty database on first use).')
        if current != head:
            return Result(Code.FAILURE,
                          f'The schema is at revision {current} but this '
                          f'code needs {head}: run "zaqar-manage db sync".')
        return Result(Code.SUCCESS, f'Schema at head ({head}).')

    def _signed_url_key(self) -> Result:
        conf = self.conf
        key = conf.signed_url.secret_key
        # [signed_url] enabled: None follows the key, False turns URLs off.
        enabled = getattr(conf.signed_url, 'enabled', None)
        needed = conf.notification.require_confirmation
        if enabled is False:
            if needed:
                return Result(Code.FAILURE,
                              '[notification] require_confirmation needs '
                              'signed URLs, but [signed_url] enabled = '
                              'false.')
            return Result(Code.SUCCESS, 'Signed URLs are off '
                                        '([signed_url] enabled = false).')
        if enabled and not key:
            return Result(Code.FAILURE,
                          '[signed_url] enabled = true needs a secret_key; '
                          'the server refuses to start without one.')
        if not key:
            if needed:
                return Result(Code.FAILURE,
                              '[notification] require_confirmation needs '
                              '[signed_url] secret_key to sign confirmation '
                              'URLs.')
            if not conf.config_file:
                return Result(Code.SUCCESS,
                              'Development mode: a key is generated in the '
                              'data directory.')
            return Result(Code.SUCCESS,
                          'Signed URLs are off ([signed_url] secret_key is '
                          'unset): POST .../share answers 503.')
        if len(key.encode()) < MIN_KEY_LENGTH:
            return Result(Code.WARNING,
                          f'[signed_url] secret_key is shorter than '
                          f'{MIN_KEY_LENGTH} bytes: use a long random key.')
        return Result(Code.SUCCESS, 'Signed URLs have a key.')

    def _policy_file(self) -> Result:
        conf = self.conf
        enforcer = oslo_policy.Enforcer(conf)
        enforcer.register_defaults(policies.list_rules())
        path = conf.find_file(conf.oslo_policy.policy_file)
        if path is None:
            return Result(Code.SUCCESS,
                          'No policy file: the defaults in code apply.')
        try:
            with open(path) as f:
                rules = oslo_policy.parse_file_contents(f.read())
        except (OSError, ValueError) as exc:
            return Result(Code.FAILURE, f'{path} cannot be read: {exc}')
        if not isinstance(rules, dict):
            return Result(Code.FAILURE, f'{path} is not a mapping of rules.')
        try:
            enforcer.load_rules(force_reload=True)
        except Exception as exc:
            return Result(Code.FAILURE, f'{path} does not load: {exc}')
        if not enforcer.check_rules(raise_on_violation=False):
            return Result(Code.FAILURE,
                          f'{path} refers to undefined rules or has a '
                          'cycle of rules.')
        known = {rule.name for rule in policies.list_rules()}
        unknown = sorted(set(rules) - known)
        if unknown:
            return Result(Code.WARNING,
                          f'{path} sets rules zaqar does not have (typos?): '
                          f'{", ".join(unknown)}')
        if path.endswith('.json'):
            return Result(Code.WARNING,
                          f'{path} is JSON; oslo.policy deprecated JSON '
                          'policy files: convert it with '
                          'oslopolicy-convert-json-to-yaml.')
        return Result(Code.SUCCESS, f'{path} parses ({len(rules)} rules).')

    def _redis_cluster_topics(self) -> Result:
        conf = self.conf
        uri = (conf['drivers:message_store:redis'].uri
               if conf.drivers.message_store == 'redis' else None)
        if not uri or '+cluster://' not in uri:
            return Result(Code.SUCCESS, 'The message store is not a Redis '
                                        'Cluster (older topics are moved by '
                                        'the driver).')
        from zaqar.storage.redis import driver as redis_driver
        from zaqar.storage.redis import migration
        try:
            storage = redis_driver.DataDriver(uri)
        except Exception as exc:
            return Result(Code.FAILURE, f'The Redis Cluster cannot be read: '
                                        f'{exc}')
        try:
            found = migration.unmigrated_topics(storage)
        except Exception as exc:
            return Result(Code.FAILURE, f'The Redis Cluster cannot be read: '
                                        f'{exc}')
        finally:
            storage.close()
        if not found:
            return Result(Code.SUCCESS, 'No topic is stored in the layout '
                                        'before topic scopes.')
        projects = {project for project, _ in found}
        shown = ', '.join(f'{project}/{topic}' for project, topic in
                          found[:10]) + (', ...' if len(found) > 10 else '')
        return Result(Code.FAILURE,
                      f'{len(found)} topics of {len(projects)} projects are '
                      f'stored in the layout before topic scopes, which a '
                      f'Redis Cluster store does not convert: they are not '
                      f'served. Recreate them with their subscriptions '
                      f'({shown}).')

    def _authentication(self) -> Result:
        strategy = self.conf.auth_strategy
        if strategy == 'keystone':
            return Result(Code.SUCCESS, 'Keystone tokens are validated.')
        if not strategy:
            return Result(Code.WARNING,
                          'auth_strategy is empty: development mode, the '
                          'project comes from the X-Project-ID header.')
        return Result(Code.FAILURE,
                      f'auth_strategy = {strategy!r} is not "keystone" or '
                      'empty.')

    _upgrade_checks = (
        ('Stores chosen', _stores_chosen),
        ('Storage reachable', _storage_reachable),
        ('SQL schema at head', _sql_schema),
        ('Signed-URL key', _signed_url_key),
        ('Policy file', _policy_file),
        ('Authentication', _authentication),
        ('Redis Cluster topics', _redis_cluster_topics),
    )


def main(argv: list[str] | None = None) -> int:
    return upgradecheck.main(zconf.CONF, project='zaqar',
                             upgrade_command=Checks(),
                             argv=sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
