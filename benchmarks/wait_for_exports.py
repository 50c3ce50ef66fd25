# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""How long the role hwcloud.workspace.wait_for_exports takes, and how many requests it sends.

    .venv/bin/python benchmarks/wait_for_exports.py [--tasks 50] [--finish-after 3] [--sleep 0.5 1 2] [--repeat 1]

For each wait_for_exports_sleep S: N export tasks are added to a local emulator, all finishing F seconds
later, and at the same moment a playbook starts that waits on them with the role. The role should be done
about one poll after the tasks are: the playbook's wall time should stay under F + S + the start-up of
ansible-playbook (measured with a trivial playbook). Also counts the export-task requests in the emulator's
log. Not a test: nothing is asserted. Run from the repository root.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tools.workspace_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)

TRIVIAL = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: nothing
      ansible.builtin.debug:
        msg: start-up only
'''

WAIT = '''
- hosts: localhost
  gather_facts: false
  vars:
    hwcloud_workspace_endpoint: "{{ emulator.url }}"
    hwcloud_workspace_project_id: "{{ emulator.project_id }}"
    hwcloud_workspace_access_key: "{{ emulator.access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator.secret_key }}"
  tasks:
    - name: before
      ansible.builtin.set_fact:
        started: "{{ now().timestamp() }}"

    - name: wait
      ansible.builtin.include_role:
        name: hwcloud.workspace.wait_for_exports
      vars:
        wait_for_exports_task_ids: "{{ task_ids }}"
        wait_for_exports_sleep: "{{ sleep }}"
        wait_for_exports_timeout: 300

    - name: after
      ansible.builtin.debug:
        msg:
          role_seconds: "{{ now().timestamp() - started | float }}"
          done: "{{ wait_for_exports_tasks | length }}"
'''


def collections_path():
    """A collections path holding this checkout as ansible_collections/hwcloud/workspace (as tests/conftest.py does)."""
    path = os.path.join(ROOT, '.build', 'collections')
    link = os.path.join(path, 'ansible_collections', 'hwcloud', 'workspace')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    return path


def run_playbook(workdir, text, extra_vars):
    path = os.path.join(workdir, 'playbook.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    results_path = os.path.join(workdir, 'results.json')
    # The tests' callback records each task's result in a JSON file: the timing comes from the task 'after'.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, 'tests', 'integration', 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='record_results', RECORD_RESULTS_FILE=results_path)
    command = [os.path.join(BIN, 'ansible-playbook'), path, '-i', 'localhost,', '-c', 'local',
               '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', json.dumps(extra_vars)]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit('ansible-playbook failed (exit status %d):\n%s%s' % (completed.returncode, completed.stdout, completed.stderr))
    with open(results_path, encoding='utf-8') as handle:
        results = json.load(handle)
    timing = results['after'][0]['msg'] if 'after' in results else None
    return elapsed, timing


def count_requests(emulator):
    log = [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]
    polls = sum(1 for entry in log if entry['query'].get('status') == 'CREATING' and entry['query'].get('offset', '0') == '0')
    return len(log), polls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--tasks', type=int, default=50, help='export tasks to wait on (default: %(default)s)')
    parser.add_argument('--finish-after', type=float, default=3.0, help='seconds until they finish (default: %(default)s)')
    parser.add_argument('--sleep', type=float, nargs='+', default=[0.5, 1.0, 2.0], help='wait_for_exports_sleep values (default: 0.5 1 2)')
    parser.add_argument('--repeat', type=int, default=1, help='runs per sleep value; the median is shown (default: %(default)s)')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='wait-for-exports-bench-') as workdir, EmulatorProcess(seed={'tasks': []}) as emulator:
        startups = [run_playbook(workdir, TRIVIAL, {})[0] for _ in range(3)]
        startup = statistics.median(startups)
        print('ansible-playbook start-up (trivial playbook, median of 3): %.2f s' % startup)
        # The role's fixed cost: the same playbook on tasks that are already done (no poll, no sleep).
        done_ids = ['done-%03d' % index for index in range(args.tasks)]
        emulator.add_tasks([{'task_id': task_id, 'file_name': '%s.xlsx' % task_id, 'status': 'SUCCESS'} for task_id in done_ids])
        fixed = []
        for _ in range(3):
            emulator.clear_log()
            fixed_wall, timing = run_playbook(workdir, WAIT, {
                'emulator': {'url': emulator.url, 'project_id': emulator.project_id,
                             'access_key': emulator.access_key, 'secret_key': emulator.secret_key},
                'task_ids': done_ids, 'sleep': 1})
            fixed.append((fixed_wall, float(timing['role_seconds']), count_requests(emulator)[0]))
        fixed_wall, fixed_role, fixed_requests = sorted(fixed)[1]
        print('same playbook on %d tasks already done (median of 3): playbook %.2f s, role %.2f s, %d request(s)'
              % (args.tasks, fixed_wall, fixed_role, fixed_requests))
        print('%d tasks finishing %.1f s after the playbook starts\n' % (args.tasks, args.finish_after))
        header = ('sleep S', 'playbook wall W', 'F + S + start-up', 'W - (F + S + start-up)', 'role wall',
                  'requests', 'polls')
        print('| %s |' % ' | '.join(header))
        print('|%s|' % '|'.join('---:' for _ in header))
        batch = 0
        for sleep in args.sleep:
            walls, roles, counts = [], [], []
            for _ in range(args.repeat):
                batch += 1
                task_ids = ['bench-%d-%03d' % (batch, index) for index in range(args.tasks)]
                emulator.clear_log()
                emulator.add_tasks([{'task_id': task_id, 'file_name': '%s.xlsx' % task_id, 'finish_after': args.finish_after}
                                    for task_id in task_ids])
                wall, timing = run_playbook(workdir, WAIT, {
                    'emulator': {'url': emulator.url, 'project_id': emulator.project_id,
                                 'access_key': emulator.access_key, 'secret_key': emulator.secret_key},
                    'task_ids': task_ids, 'sleep': sleep})
                if int(timing['done']) != args.tasks:
                    raise SystemExit('the role returned %s tasks, not %d' % (timing['done'], args.tasks))
                walls.append(wall)
                roles.append(float(timing['role_seconds']))
                counts.append(count_requests(emulator))
            wall, role = statistics.median(walls), statistics.median(roles)
            requests, polls = counts[len(counts) // 2]
            bound = args.finish_after + sleep + startup
            print('| %.1f | %.2f s | %.2f s | %+.2f s | %.2f s | %d | %d |' % (
                sleep, wall, bound, wall - bound, role, requests, polls))
    return 0


if __name__ == '__main__':
    sys.exit(main())
