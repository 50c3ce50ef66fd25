# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What listing every export task costs: the module, the lookup, and the client without Ansible.

    .venv/bin/python benchmarks/list_export_tasks.py [--tasks 100 1000 5000] [--latency-ms 20]

For each N, a local emulator holds N tasks and answers each request after the given latency (a stand-in for
the network). One playbook lists them with hwcloud.workspace.export_task_info, another with the
hwcloud.workspace.export_tasks lookup; the client in-process shows the HTTP part alone. Prints wall times and
the requests the emulator saw (ceil(N / 100) are needed). Not a test: nothing is asserted.
"""

import argparse
import sys
import tempfile
import time

from _playbooks import CONNECTION_VARS, collections_path, emulator_vars, run_playbook  # first: it puts the repository root on sys.path
from tools.workspace_emulator.testing import EmulatorProcess

sys.path.insert(0, collections_path())

# pylint: disable=wrong-import-position
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi  # noqa: E402

CONNECTION = '''
  vars:
''' + CONNECTION_VARS

MODULE = '''
- hosts: localhost
  gather_facts: false
''' + CONNECTION + '''
  tasks:
    - name: list
      hwcloud.workspace.export_task_info:
        endpoint: "{{ hwcloud_workspace_endpoint }}"
        project_id: "{{ hwcloud_workspace_project_id }}"
        access_key: "{{ hwcloud_workspace_access_key }}"
        secret_key: "{{ hwcloud_workspace_secret_key }}"
      register: listed
    - name: count
      ansible.builtin.debug:
        msg: "{{ listed.export_tasks | length }}"
'''

LOOKUP = '''
- hosts: localhost
  gather_facts: false
''' + CONNECTION + '''
  tasks:
    - name: count
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks') | length }}"
'''

TRIVIAL = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: count
      ansible.builtin.debug:
        msg: "0"
'''


def api_requests(emulator):
    return sum(1 for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks'))


def in_process(emulator):
    options = dict(endpoint=emulator.url, project_id=emulator.project_id, access_key=emulator.access_key,
                   secret_key=emulator.secret_key)
    started = time.monotonic()
    with WorkspaceClient(resolve_connection(options, environ={})) as client:
        tasks = ExportTaskApi(client).list_all({})[0]
    return time.monotonic() - started, len(tasks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--tasks', type=int, nargs='+', default=[100, 1000, 5000], help='tasks in the emulator')
    parser.add_argument('--latency-ms', type=float, default=20, help='emulator latency per request (default: %(default)s)')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='hwcloud-bench-') as workdir:
        startup = sorted(run_playbook(workdir, TRIVIAL, {})[0] for _ in range(3))[1]
        print('ansible-playbook start-up (trivial playbook, median of 3): %.2f s; latency %g ms per request\n'
              % (startup, args.latency_ms))
        header = ('tasks N', 'requests', 'client in-process', 'module playbook', 'lookup playbook')
        print('| %s |' % ' | '.join(header))
        print('|%s|' % '|'.join('---:' for _ in header))
        for count in args.tasks:
            seed = {'tasks': [{'task_id': 'task-%05d' % n, 'file_name': 'export-%05d.xlsx' % n, 'status': 'SUCCESS'}
                              for n in range(count)]}
            with EmulatorProcess(seed=seed, latency_ms=args.latency_ms) as emulator:
                variables = emulator_vars(emulator)
                client_wall, found = in_process(emulator)
                requests = api_requests(emulator)
                walls = []
                for playbook in (MODULE, LOOKUP):
                    emulator.clear_log()
                    wall, results = run_playbook(workdir, playbook, variables)
                    if int(results['count'][0]['msg']) != count or api_requests(emulator) != requests:
                        raise SystemExit('unexpected result: %s tasks, %d requests' % (results['count'][0]['msg'], api_requests(emulator)))
                    walls.append(wall)
            if found != count:
                raise SystemExit('the client found %d tasks, not %d' % (found, count))
            print('| %d | %d | %.2f s | %.2f s | %.2f s |' % (count, requests, client_wall, walls[0], walls[1]))


if __name__ == '__main__':
    sys.exit(main())
