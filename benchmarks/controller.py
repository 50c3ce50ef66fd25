# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running on the controller, side by side (issue 9): per-call cost, waiting, listing against a baseline.

    .venv/bin/python benchmarks/controller.py [--baseline DIR] [--calls 20] [--repeat 3] [--running 300]
                                              [--sleep 1] [--tasks 10000] [--latency-ms 50]

1. Per call: a loop of C export_task_info calls on localhost against a loop of C lookups of the same task
   (one request each), in one playbook; per call = the looping task's duration / C. A loop of C trivial
   asserts shows what a loop item costs by itself.
2. Waiting: R tasks finishing one by one at random moments (the same moments for both, counted from the
   wait's first request) are awaited by the role hwcloud.workspace.wait_for_exports and by an until: loop
   of export_task_info with the same delay S; each is "done" when the task after it starts.
   Lag = done - the moment the last task finished (its end_time).
3. Listing N tasks in one export_task_info task at the given latency, by this checkout and by the
   collection checked out in --baseline DIR (for example main at d5bb413, in a temporary git worktree),
   against the same emulator (this checkout's), taking turns.
Medians of --repeat runs. Not a test: nothing is asserted; it stops by itself and talks to 127.0.0.1 only.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile

# First: _playbooks puts the repository root on sys.path.
from _playbooks import (CONNECTION_VARS, LIST_WITH_MODULE, MODULE_CONNECTION, collections_path, emulator_vars,
                        environment_line, run_playbook)
from _emulator import Finisher, list_requests
from tools.workspace_emulator.testing import EmulatorProcess

PER_CALL = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS + '''  tasks:
    - name: module calls
      hwcloud.workspace.export_task_info:
''' + MODULE_CONNECTION + '''        task_id: "{{ task_id }}"
      loop: "{{ range(calls) | list }}"
      register: module_calls
      failed_when: module_calls.export_tasks | length != 1

    - name: lookup calls
      ansible.builtin.assert:
        that: query('hwcloud.workspace.export_tasks', task_id) | length == 1
        quiet: true
      loop: "{{ range(calls) | list }}"

    - name: loop items alone
      ansible.builtin.assert:
        that: true
        quiet: true
      loop: "{{ range(calls) | list }}"
'''

ROLE = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS + '''  tasks:
    - name: wait
      ansible.builtin.include_role:
        name: hwcloud.workspace.wait_for_exports
      vars:
        wait_for_exports_task_ids: "{{ task_ids }}"
        wait_for_exports_sleep: "{{ sleep }}"
        wait_for_exports_timeout: 120

    - name: after waiting
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | length }}"
'''

UNTIL = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: wait
      hwcloud.workspace.export_task_info:
''' + MODULE_CONNECTION + '''        task_ids: "{{ task_ids }}"
      register: polled
      until: polled.export_tasks | selectattr('status', 'equalto', 'CREATING') | list | length == 0
      retries: "{{ (120 / sleep) | int }}"
      delay: "{{ sleep }}"

    - name: after waiting
      ansible.builtin.debug:
        msg: "{{ polled.export_tasks | length }}"
'''


def requests_during(log, entry):
    """The list requests that started while the task of this bench_timings entry ran."""
    return sum(1 for request in log if entry['start_monotonic'] <= request['started'] <= entry['end_monotonic'])


def per_call(workdir, args):
    seed = {'tasks': [{'task_id': 'task-%03d' % n, 'status': 'SUCCESS'} for n in range(100)]}
    names = ('module calls', 'lookup calls', 'loop items alone')
    costs = dict((name, []) for name in names)
    requests = {}
    with EmulatorProcess(seed=seed) as emulator:
        for _ in range(args.repeat):
            emulator.clear_log()
            result = run_playbook(workdir, PER_CALL, dict(emulator_vars(emulator), calls=args.calls, task_id='task-042'))
            log = list_requests(emulator.requests_log())
            for name in names:
                entry = result.task(name)
                costs[name].append((entry['end'] - entry['start']) / args.calls)
                requests[name] = requests_during(log, entry)
    median = dict((name, statistics.median(values)) for name, values in costs.items())
    print('\n### 1. Per call: %d calls each, 0 ms latency, median of %d runs\n' % (args.calls, args.repeat))
    print('| loop of %d | per call ms | all runs ms | list requests |' % args.calls)
    print('|---|---:|---|---:|')
    for name in names:
        print('| %s | %.1f | %s | %d |' % (name, median[name] * 1000, ', '.join('%.1f' % (value * 1000) for value in costs[name]),
                                         requests[name]))
    ratio = median['module calls'] / median['lookup calls']
    print('\nexport_task_info per call / lookup per call = %.1fx (target <= 5x): %s'
          % (ratio, 'met' if ratio <= 5 else 'NOT met'))


def waiting(workdir, args):
    moments = random.Random(9).sample(range(int(args.finish_from * 1000), int(args.finish_to * 1000)), args.running)
    ways = (('role wait_for_exports', ROLE), ('until: loop of export_task_info', UNTIL))
    lags = dict((name, []) for name, _ in ways)
    after_answer = dict((name, []) for name, _ in ways)
    walls = dict((name, []) for name, _ in ways)
    requests = dict((name, []) for name, _ in ways)
    with EmulatorProcess(seed={'tasks': []}) as emulator:
        for turn in range(args.repeat):
            for name, text in ways:
                task_ids = ['%s-%d-%03d' % (name.split()[0].rstrip(':'), turn, index) for index in range(args.running)]
                emulator.add_tasks([{'task_id': task_id, 'file_name': task_id + '.xlsx', 'status': 'CREATING'} for task_id in task_ids])
                emulator.clear_log()
                finisher = Finisher(emulator, [(moment / 1000.0, [task_id]) for task_id, moment in zip(task_ids, moments)])
                finisher.start()
                result = run_playbook(workdir, text, dict(emulator_vars(emulator), task_ids=task_ids, sleep=args.sleep))
                finisher.join()
                if int(result.task('after waiting')['msg']) != args.running:
                    raise SystemExit('%s returned %s tasks, not %d' % (name, result.task('after waiting')['msg'], args.running))
                done = result.task('after waiting')
                log = list_requests(emulator.requests_log())
                lags[name].append(done['start'] - finisher.last_finish)
                # Where the lag goes: polling (until the last answer) or the work after it.
                after_answer[name].append(done['start_monotonic'] - max(entry['ended'] for entry in log))
                walls[name].append(result.wall)
                requests[name].append(len(log))
    print('\n### 2. Waiting on %d tasks finishing at random moments %g-%g s after the wait started (S = %g s), median of %d\n'
          % (args.running, args.finish_from, args.finish_to, args.sleep, args.repeat))
    print('| way | done after the last finish, s | all runs s | of which after the last answer, s | playbook wall s | list requests |')
    print('|---|---:|---|---:|---:|---:|')
    for name, _ in ways:
        print('| %s | %.2f | %s | %.2f | %.2f | %d |' % (
            name, statistics.median(lags[name]), ', '.join('%.2f' % lag for lag in lags[name]), statistics.median(after_answer[name]),
            statistics.median(walls[name]), statistics.median(requests[name])))
    role, until = (statistics.median(lags[name]) for name, _ in ways)
    print('\nrole done %.2f s after the last finish; S + 0.5 s = %.2f s: %s; until: loop %.2f s: role %s'
          % (role, args.sleep + 0.5, 'met' if role <= args.sleep + 0.5 else 'NOT met', until,
             'not later (met)' if role <= until else 'later (NOT met)'))


def listing(workdir, args):
    if not args.baseline:
        print('\n### 3. Listing against a baseline: skipped (no --baseline)')
        return
    seed = {'tasks': [{'task_id': 'task-%05d' % n, 'status': 'SUCCESS'} for n in range(args.tasks)]}
    checkouts = (('this checkout', None), ('baseline %s' % args.baseline, collections_path(os.path.abspath(args.baseline),
                                                                                        os.path.join(workdir, 'baseline'))))
    walls = dict((name, []) for name, _ in checkouts)
    tasks = dict((name, []) for name, _ in checkouts)
    with EmulatorProcess(seed=seed, latency_ms=args.latency_ms) as emulator:
        for _ in range(args.repeat):
            for name, collections in checkouts:
                result = run_playbook(workdir, LIST_WITH_MODULE, dict(emulator_vars(emulator), expected=args.tasks),
                                      collections=collections)
                entry = result.task('list')
                walls[name].append(result.wall)
                tasks[name].append(entry['end'] - entry['start'])
    print('\n### 3. Listing %d tasks in one export_task_info task at %g ms per request, median of %d\n'
          % (args.tasks, args.latency_ms, args.repeat))
    print('| collection | task s | all runs s | playbook wall s |')
    print('|---|---:|---|---:|')
    for name, _ in checkouts:
        print('| %s | %.2f | %s | %.2f |' % (name, statistics.median(tasks[name]), ', '.join('%.2f' % value for value in tasks[name]),
                                            statistics.median(walls[name])))
    now, then = (statistics.median(tasks[name]) for name, _ in checkouts)
    print('\nthis checkout %.2f s, baseline %.2f s: %s' % (now, then, 'not slower (met)' if now <= then else 'slower (NOT met)'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--baseline', help='a checkout of the collection to compare the listing with (e.g. main at d5bb413)')
    parser.add_argument('--calls', type=int, default=20, help='calls per loop (default: %(default)s)')
    parser.add_argument('--repeat', type=int, default=3, help='runs of each measurement; medians are shown (default: %(default)s)')
    parser.add_argument('--running', type=int, default=300, help='tasks to wait on (default: %(default)s)')
    parser.add_argument('--finish-from', type=float, default=0.5,
                        help='earliest finish, seconds after the first request of the wait (default: %(default)s)')
    parser.add_argument('--finish-to', type=float, default=6.0,
                        help='latest finish, seconds after the first request of the wait (default: %(default)s)')
    parser.add_argument('--sleep', type=float, default=1.0, help='wait_for_exports_sleep and the until: delay (default: %(default)s)')
    parser.add_argument('--tasks', type=int, default=10000, help='tasks to list against the baseline (default: %(default)s)')
    parser.add_argument('--latency-ms', type=float, default=50.0, help='latency of the listing (default: %(default)s)')
    args = parser.parse_args()
    print('before: ' + environment_line())
    with tempfile.TemporaryDirectory(prefix='hwcloud-bench-') as workdir:
        per_call(workdir, args)
        waiting(workdir, args)
        listing(workdir, args)
    print('\nafter: ' + environment_line())
    return 0


if __name__ == '__main__':
    sys.exit(main())
