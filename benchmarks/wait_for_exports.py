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
import statistics
import sys
import tempfile

from _playbooks import CONNECTION_VARS, emulator_vars, run_playbook  # first: it puts the repository root on sys.path
from tools.workspace_emulator.testing import EmulatorProcess

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
''' + CONNECTION_VARS + '''  tasks:
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


def role_timing(results):
    """What the task 'after' of WAIT reported (the role's own wall time), or None."""
    return results['after'][0]['msg'] if 'after' in results else None


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
            fixed_wall, results = run_playbook(workdir, WAIT, dict(emulator_vars(emulator), task_ids=done_ids, sleep=1))
            fixed.append((fixed_wall, float(role_timing(results)['role_seconds']), count_requests(emulator)[0]))
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
                wall, results = run_playbook(workdir, WAIT, dict(emulator_vars(emulator), task_ids=task_ids, sleep=sleep))
                timing = role_timing(results)
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
