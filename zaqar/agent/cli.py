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

"""``zaqar-agent``: provision guests, revoke them, call and cast by hand.

Credentials are the operator's: ``--project-id`` against a server with auth
off, or the usual ``OS_*`` Keystone variables (``--os-*`` options).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from urllib.parse import quote, urlencode, urlsplit

from zaqar.agent import credentials, http, naming, provision, signed_file


def _env(name: str, default=None):
    return os.environ.get(name, default)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='zaqar-agent',
        description='Guest-agent messaging over Zaqar (oslo.messaging '
                    'driver "zaqar").')
    parser.add_argument('--url', default=_env('ZAQAR_URL',
                                              'http://127.0.0.1:8888'),
                        help='Zaqar API endpoint (env ZAQAR_URL)')
    parser.add_argument('--project-id', default=_env('ZAQAR_PROJECT_ID'),
                        help='project, for a server with auth off')
    for name in ('auth-url', 'username', 'password', 'project-name',
                 'user-domain-name', 'project-domain-name'):
        env = 'OS_' + name.upper().replace('-', '_')
        parser.add_argument(f'--os-{name}', default=_env(env),
                            help=f'Keystone (env {env})')
    parser.add_argument('--exchange', default='openstack',
                        help='oslo.messaging control exchange')
    sub = parser.add_subparsers(dest='command', required=True)

    prov = sub.add_parser('provision', help='signed URLs, transport_url and '
                                            'cloud-init user-data for a guest')
    rotate = sub.add_parser('rotate', help='a fresh signed-URL file for a '
                                           'provisioned guest (the guest '
                                           're-reads it)')
    for p in (prov, rotate):
        p.add_argument('--topic', required=True, help="the guest's topic")
        p.add_argument('--server', required=True,
                       help="the guest's server name")
        p.add_argument('--calls', action='store_true',
                       help='give the guest a reply queue so it can call')
        p.add_argument('--send', action='append', default=[],
                       metavar='TOPIC', help='a topic it may cast/call to')
        p.add_argument('--notify', action='append', default=[],
                       metavar='TOPIC.PRIORITY',
                       help='a notification topic it may post to')
        p.add_argument('--lifetime', type=float, default=None,
                       help='seconds the URLs stay valid (default 30 days)')
        p.add_argument('--public-url', default=None,
                       help='the endpoint as guests reach it (default --url)')
        p.add_argument('--path', default=provision.DEFAULT_PATH,
                       help='where the guest keeps its signed URLs')
        p.add_argument('--output', default='-',
                       help='write the JSON answer here (default stdout)')

    revoke = sub.add_parser('revoke', help="delete a guest's queues")
    revoke.add_argument('--topic', required=True)
    revoke.add_argument('--server', required=True)

    for name in ('call', 'cast'):
        p = sub.add_parser(name, help=f'an RPC {name} from the command line')
        p.add_argument('--transport-url', default=None,
                       help='use this transport URL (e.g. a guest\'s) '
                            'instead of the operator credentials')
        p.add_argument('--topic', required=True)
        p.add_argument('--server', default=None)
        p.add_argument('--fanout', action='store_true')
        p.add_argument('--timeout', type=float, default=30.0)
        p.add_argument('--version', default=None)
        p.add_argument('method')
        p.add_argument('args', nargs='*', metavar='KEY=VALUE',
                       help='arguments; values are JSON when they parse')
    return parser


def _credentials(args):
    if args.os_auth_url:
        from keystoneauth1 import session
        from keystoneauth1.identity import v3
        auth = v3.Password(
            auth_url=args.os_auth_url, username=args.os_username,
            password=args.os_password, project_name=args.os_project_name,
            user_domain_name=args.os_user_domain_name or 'Default',
            project_domain_name=args.os_project_domain_name or 'Default')
        return credentials.KeystoneAuth(session.Session(auth=auth))
    if not args.project_id:
        raise SystemExit('zaqar-agent: give --project-id (auth off) or '
                         'Keystone credentials (OS_AUTH_URL, ...)')
    return credentials.NoAuth(args.project_id)


def _operator_transport_url(args) -> str:
    parts = urlsplit(args.url)
    scheme = 'zaqar+https' if parts.scheme == 'https' else 'zaqar'
    hostport = f'{parts.hostname}:{parts.port or 8888}'
    if args.os_auth_url:
        query = urlencode({
            'auth_url': args.os_auth_url,
            'project_name': args.os_project_name or '',
            'user_domain_name': args.os_user_domain_name or 'Default',
            'project_domain_name': args.os_project_domain_name or 'Default'})
        user = (f'{quote(args.os_username or "", safe="")}:'
                f'{quote(args.os_password or "", safe="")}@')
        return f'{scheme}://{user}{hostport}/?{query}'
    return f'{scheme}://{hostport}/?project_id={quote(args.project_id)}'


def _guest(args) -> provision.Guest:
    return provision.Guest(topic=args.topic, server=args.server,
                           exchange=args.exchange, calls=args.calls,
                           send_topics=tuple(args.send),
                           notify_topics=tuple(args.notify))


def _write(args, doc) -> None:
    text = json.dumps(doc, indent=2) + '\n'
    if args.output == '-':
        sys.stdout.write(text)
    else:
        signed_file.write_private(args.output, text)


def cmd_provision(args, client) -> int:
    lifetime = (datetime.timedelta(seconds=args.lifetime)
                if args.lifetime else provision.DEFAULT_LIFETIME)
    expires = credentials.utcnow() + lifetime
    doc = provision.sign_all(client, _guest(args), expires)
    if args.command == 'rotate':
        _write(args, doc)
        return 0
    urls = provision.transport_urls(args.public_url or args.url, doc,
                                    args.path)
    _write(args, {'transport_url': urls['file'],
                  'transport_url_inline': urls['inline'],
                  'signed_urls_path': args.path,
                  'signed_urls': doc,
                  'user_data': provision.user_data(doc, urls['file'],
                                                   args.path)})
    return 0


def cmd_revoke(args, client) -> int:
    guest = provision.Guest(topic=args.topic, server=args.server,
                            exchange=args.exchange)
    for queue in (naming.server_queue(args.exchange, args.topic,
                                      args.server),
                  guest.reply_queue()):
        client.delete_queue(queue, retry=3)
    print('Deleted the queues of guest %s/%s. Its signed URLs stay valid '
          'until they expire; rotate [signed_url] secret_key to cut them '
          'short.' % (args.topic, args.server))
    return 0


def _arguments(pairs: list[str]) -> dict:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep:
            raise SystemExit(f'zaqar-agent: argument {pair!r} is not '
                             'KEY=VALUE')
        try:
            result[key] = json.loads(value)
        except ValueError:
            result[key] = value
    return result


def cmd_rpc(args) -> int:
    import oslo_messaging
    from oslo_config import cfg
    cfg.CONF([], project='zaqar-agent')
    url = args.transport_url or _operator_transport_url(args)
    transport = oslo_messaging.get_rpc_transport(cfg.CONF, url=url)
    try:
        target = oslo_messaging.Target(exchange=args.exchange,
                                       topic=args.topic)
        client = oslo_messaging.get_rpc_client(transport, target).prepare(
            server=args.server, fanout=args.fanout, timeout=args.timeout,
            version=args.version)
        kwargs = _arguments(args.args)
        if args.command == 'call':
            print(json.dumps(client.call({}, args.method, **kwargs)))
        else:
            client.cast({}, args.method, **kwargs)
    finally:
        transport.cleanup()
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ('call', 'cast'):
            return cmd_rpc(args)
        client = http.Client(args.url, _credentials(args))
        if args.command == 'revoke':
            return cmd_revoke(args, client)
        return cmd_provision(args, client)
    except Exception as exc:  # the operator sees one clear line
        if os.environ.get('ZAQAR_AGENT_DEBUG'):
            raise
        print(f'zaqar-agent: {type(exc).__name__}: {exc}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
