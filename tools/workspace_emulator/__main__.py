# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""python -m tools.workspace_emulator: serve the emulator until SIGTERM or SIGINT."""

import argparse
import json
import signal
import ssl
import sys
import threading

from . import DEFAULT_ACCESS_KEY, DEFAULT_DOMAIN_ID, DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_SECRET_KEY, DEFAULT_TOKEN
from .auth import Authenticator
from .exports import ExportSettings, Exports
from .faults import FaultQueue
from .server import DEFAULT_LOG_SIZE, EmulatorServer, EmulatorState, tls_context
from .storage import STORAGE_HOST, storage_server
from .store import SeedError, TaskStore

SEED_KEYS = ('project_id', 'region', 'tasks')


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m tools.workspace_emulator', description='Local emulator of the Huawei Cloud Workspace export-task API.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default: %(default)s)')
    parser.add_argument('--port', type=int, default=0, help='port; 0 picks a free one (default: %(default)s)')
    parser.add_argument('--seed', metavar='FILE.json', help='project id, region and export tasks to start with')
    parser.add_argument('--access-key', default=DEFAULT_ACCESS_KEY, help='the accepted access key (default: %(default)s)')
    parser.add_argument('--secret-key', default=DEFAULT_SECRET_KEY, help='its secret key (default: the documented demo key)')
    parser.add_argument('--token', action='append', help='an accepted X-Auth-Token / X-Security-Token; repeatable (default: %s)' % DEFAULT_TOKEN)
    parser.add_argument('--region', help='region name served by IAM (default: the seed\'s region, else %s)' % DEFAULT_REGION)
    parser.add_argument('--project-id', help='the account\'s project id (default: the seed\'s project_id, else %s)' % DEFAULT_PROJECT_ID)
    parser.add_argument('--latency-ms', type=float, default=0, help='delay before answering each API request (default: %(default)s)')
    parser.add_argument('--export-delay', type=float, default=2.0, metavar='SECONDS',
                        help='seconds after which a started export finishes (default: %(default)s)')
    parser.add_argument('--storage-host', default=STORAGE_HOST, help='address of the object-storage listener (default: %(default)s)')
    parser.add_argument('--storage-port', type=int, default=0, help='its port; 0 picks a free one (default: %(default)s)')
    parser.add_argument('--hide-downloaded', action='store_true',
                        help='read an absent is_download of a list request as false, from the start and after DELETE /_emulator/faults')
    parser.add_argument('--request-log-size', type=int, default=DEFAULT_LOG_SIZE, metavar='N',
                        help='entries each request log keeps, the oldest dropped first (default: %(default)s)')
    parser.add_argument('--tls-cert', metavar='FILE', help='serve HTTPS with this PEM certificate (chain); it must name the host and '
                        'the storage host (default: plain HTTP)')
    parser.add_argument('--tls-key', metavar='FILE', help='the PEM private key of --tls-cert')
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error('--tls-cert and --tls-key go together')
    if args.latency_ms < 0:
        parser.error('--latency-ms must be >= 0')
    if not args.export_delay >= 0:
        parser.error('--export-delay must be >= 0')
    if args.request_log_size < 1:
        parser.error('--request-log-size must be >= 1')
    return args


def load_seed(path):
    if path is None:
        return {}
    try:
        with open(path, encoding='utf-8') as seed_file:
            seed = json.load(seed_file)
    except (OSError, ValueError) as error:
        raise SeedError('cannot read %s: %s' % (path, error)) from None
    if not isinstance(seed, dict):
        raise SeedError('%s must hold a JSON object with %s' % (path, ', '.join(SEED_KEYS)))
    unknown = sorted(set(seed) - set(SEED_KEYS))
    if unknown:
        raise SeedError('%s: unknown key(s) %s; allowed: %s' % (path, ', '.join(unknown), ', '.join(SEED_KEYS)))
    for key in ('project_id', 'region'):
        if key in seed and not (isinstance(seed[key], str) and seed[key]):
            raise SeedError('%s: %s must be a non-empty string' % (path, key))
    return seed


def main(argv=None):
    args = parse_args(argv)
    try:
        seed = load_seed(args.seed)
        store = TaskStore()
        store.add(seed.get('tasks', []))
    except SeedError as error:
        sys.stderr.write('workspace_emulator: error: seed: %s\n' % error)
        return 2
    project_id = args.project_id or seed.get('project_id') or DEFAULT_PROJECT_ID
    tokens = args.token or [DEFAULT_TOKEN]
    state = EmulatorState(
        store=store,
        faults=FaultQueue(args.latency_ms, hide_downloaded=args.hide_downloaded),
        authenticator=Authenticator(args.access_key, args.secret_key, tokens, project_id),
        project_id=project_id,
        region=args.region or seed.get('region') or DEFAULT_REGION,
        domain_id=DEFAULT_DOMAIN_ID,
        access_key=args.access_key,
        exports=Exports(store, ExportSettings(args.export_delay), project_id),
        log_size=args.request_log_size,
    )
    try:
        context = tls_context(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as error:
        sys.stderr.write('workspace_emulator: error: cannot load --tls-cert/--tls-key: %s\n' % error)
        return 2
    servers = []
    for host, port, bind in ((args.host, args.port, EmulatorServer), (args.storage_host, args.storage_port, storage_server)):
        try:
            servers.append(bind(host, port, state, tls_context=context))
        except OSError as error:
            sys.stderr.write('workspace_emulator: error: cannot listen on %s:%d: %s\n' % (host, port, error))
            return 1
    server, storage = servers
    state.storage_url = storage.url

    stop_requested = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop_requested.set())
    # serve_forever runs in a thread because shutdown() must not be called from the thread that serves.
    for serving, name in ((server, 'workspace-emulator'), (storage, 'object-storage')):
        threading.Thread(target=serving.serve_forever, kwargs={'poll_interval': 0.1}, name=name, daemon=True).start()
    sys.stdout.write('listening on %s\n' % server.url)
    sys.stdout.flush()
    sys.stderr.write('[emulator] object storage on %s\n' % storage.url)
    # A bounded wait, so that the main thread regularly gets the chance to run the signal handlers.
    while not stop_requested.wait(0.1):
        pass
    for serving in (server, storage):
        serving.shutdown()
        serving.server_close()
    sys.stderr.write('[emulator] stopped\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
