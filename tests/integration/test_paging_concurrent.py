# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Concurrent paging end to end, through the module and the lookup, against the emulator's request log:
pages in flight together, every task once in order, a 429 burst absorbed, concurrency 1 strictly
sequential, a listing that loses no task while others finish, and paging that ends on broken answers.
Nothing here is timed: the log's start and end times show what overlapped, not how fast it went, and the
emulator's `together` fault makes requests sent concurrently overlap whatever the scheduling."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import DEFAULT_CONCURRENCY
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import STALLS_ALLOWED
from tools.workspace_emulator.testing import peak_in_flight

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
%s
'''


def module_task(name, args):
    body = '\n'.join('        %s: %s' % (key, json.dumps(value)) for key, value in args.items())
    return '''    - name: %s
      hwcloud.workspace.export_task_info:
%s
      register: listed
      ignore_errors: true
''' % (name, body)


def lookup_task(name, terms, args):
    keywords = ', '.join('%s=%s' % (key, json.dumps(value)) for key, value in args.items())
    return '''    - name: %s
      ansible.builtin.set_fact:
        found: >-
          {{ query('hwcloud.workspace.export_tasks', %s%s) }}
      ignore_errors: true
''' % (name, ''.join('%s, ' % json.dumps(term) for term in terms), keywords)


def bulk(count, **fields):
    return [dict({'task_id': 'task-%05d' % n, 'file_name': 'desktops-%05d.xlsx' % n,
                  'create_time': '2026-11-%02dT%02d:%02d:%02d.000Z' % (1 + n // 86400, n // 3600 % 24, n // 60 % 60, n % 60)},
                 **fields)
            for n in range(count)]


def list_requests(emulator):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]


# How long the emulator holds a request of a `together` fault that no other joins. Its log cannot order one answer's
# end and the next request's start (it notes the end after the last byte went out, when the client may have sent the
# next request already), but a hold proves it: a request held for the whole of HOLD_MS had no partner beside it.
HOLD_MS = 300


def held_alone(entries):
    """Each of these requests waited out its whole hold: while it was held, too few others were held beside it."""
    return bool(entries) and all(entry['fault'] == 'together' and entry['ended'] - entry['started'] >= HOLD_MS / 1000.0
                                 for entry in entries)


def test_module_fetches_pages_together_and_returns_every_task_once_in_order(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(1000)})
    # Every page is held until another is held beside it: the first waits out its hold alone (it gives the count,
    # nothing else is asked before its answer), the ten after it are answered two at a time (a client that asked for
    # them one by one would see each wait out its hold).
    emulator.inject({'together': 11, 'size': 2, 'wait_ms': HOLD_MS})
    run = run_playbook(PLAY % module_task('list', connection_vars(emulator)))
    result = run.result('list')
    assert run.rc == 0, run.stdout
    assert [task['task_id'] for task in result['export_tasks']] == ['task-%05d' % n for n in range(1000)]
    assert result['count'] == 1000
    log = list_requests(emulator)
    # the first page alone, then the others, several in flight at once
    assert log[0]['query']['offset'] == '0' and held_alone(log[:1])
    assert peak_in_flight(log[1:]) >= 2
    assert sorted(int(entry['query']['offset']) for entry in log) == [99 * n for n in range(11)]
    assert all(entry['query']['sort_type'] == 'ASC' and entry['status'] == 200 for entry in log)


def test_lookup_with_concurrency_one_is_strictly_sequential(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(450)})
    emulator.inject({'together': 5, 'size': 2, 'wait_ms': HOLD_MS})
    run = run_playbook(PLAY % lookup_task('list', [], dict(connection_vars(emulator), concurrency=1)) + '''
    - name: show
      ansible.builtin.debug:
        msg: "{{ found | map(attribute='task_id') | list }}"
''')
    assert run.rc == 0, run.stdout
    assert run.result('show')['msg'] == ['task-%05d' % n for n in range(450)]
    log = list_requests(emulator)
    assert [entry['query']['offset'] for entry in log] == ['0', '99', '198', '297', '396']
    assert held_alone(log)


def test_lookup_of_many_ids_reads_pages_together(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(2000)})
    # The first page gives the count; the four that hold the other 300 IDs are answered two at a time, together.
    emulator.inject([{'pass': 1}, {'together': 4, 'size': 2}])
    wanted = ['task-%05d' % n for n in range(1999, 1599, -1)]
    run = run_playbook(PLAY % lookup_task('by ids', wanted, connection_vars(emulator)) + '''
    - name: show
      ansible.builtin.debug:
        msg: "{{ found | map(attribute='task_id') | list }}"
''')
    assert run.rc == 0, run.stdout
    assert run.result('show')['msg'] == wanted
    log = list_requests(emulator)
    assert len(log) <= 6 and peak_in_flight(log) >= 2
    assert all(entry['query']['sort_type'] == 'DESC' for entry in log)


def test_a_429_burst_during_parallel_paging_is_absorbed_by_a_shared_back_off(emulator_factory, run_playbook):
    latency = 0.1
    emulator = emulator_factory(seed={'tasks': bulk(1500)}, latency_ms=latency * 1000)
    # The first page passes; of the eight pages then requested together, five are throttled (Retry-After: 2) and
    # three answered a second later, while the back-off holds: the workers of those three must honour it too.
    # The requests after those (the five again, the seven pages left) are held until five are held at once.
    emulator.inject([{'pass': 1}, {'status': 429, 'count': 5, 'retry_after': 2}, {'slow': 3, 'delay_ms': 1000},
                     {'together': 12, 'size': 5, 'wait_ms': HOLD_MS}])
    args = dict(connection_vars(emulator), retries=6)
    run = run_playbook(PLAY % module_task('list', args))
    result = run.result('list')
    assert run.rc == 0, run.stdout
    assert [task['task_id'] for task in result['export_tasks']] == ['task-%05d' % n for n in range(1500)]
    log = list_requests(emulator)
    throttled = [entry for entry in log if entry['status'] == 429]
    assert len(throttled) == 5
    # A 429 is answered no sooner than the latency after its request arrived, and holds back every request for
    # Retry-After seconds from when the client read it.
    back_off_end = min(entry['started'] for entry in throttled) + latency + 2
    # The requests after those eight (retries, and the pages left) came after the back-off,
    later = [entry for entry in log if entry['fault'] in (None, 'together')]
    assert len(later) == 12 and min(entry['started'] for entry in later) >= back_off_end
    # and fewer ran at once then: the limit of 8 was halved, so that five were never held at once
    assert held_alone(later)


def test_listing_creating_tasks_while_others_finish_loses_none(emulator_factory, run_playbook):
    """The 1.0 bug: status=CREATING paged by offset skipped tasks when others finished between pages."""
    finishing = bulk(400, finish_after=3600)
    stuck = [dict(task, task_id='stuck-%05d' % n, status='CREATING') for n, task in enumerate(bulk(60))]
    for task in stuck:
        task.pop('file_name')
    tasks = sorted(finishing + stuck, key=lambda task: task['create_time'] + task['task_id'])
    emulator = emulator_factory(seed={'tasks': tasks}, latency_ms=10)
    emulator.inject({'churn': {'finish': 7, 'create': 2, 'order': 'random'}})
    for args in (dict(connection_vars(emulator), status='CREATING'),
                 dict(connection_vars(emulator), status='CREATING', concurrency=1)):
        run = run_playbook(PLAY % module_task('list', args))
        result = run.result('list')
        assert run.rc == 0, run.stdout
        listed = [task['task_id'] for task in result['export_tasks']]
        assert len(listed) == len(set(listed))
        assert set('stuck-%05d' % n for n in range(60)) <= set(listed)


def test_a_server_that_ignores_offset_fails_the_module_and_the_lookup_after_few_requests(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(3000)})
    emulator.inject({'ignore_offset': True})
    conn = connection_vars(emulator)
    run = run_playbook(PLAY % (module_task('module', conn) + lookup_task('lookup', [], conn)))
    for name in ('module', 'lookup'):
        result = run.result(name)
        assert result['_outcome'] == 'failed'
        assert 'does not page by offset' in result['msg'], result['msg']
    # each: the first page, the window's pages and one more after each stall allowed (module_utils/_pages.py)
    assert len(list_requests(emulator)) <= 2 * (STALLS_ALLOWED + DEFAULT_CONCURRENCY + 1)


def test_a_claimed_count_of_a_billion_fails_the_shipped_module_at_max_tasks_within_100_mib(emulator_factory, tmp_path):
    """The module's own process, as it runs on a target: the error, the requests and its peak memory. The count is
    above max_tasks, so the first page is the last request."""
    emulator = emulator_factory(seed={'tasks': bulk(100)})
    first_page = [dict(task, status='SUCCESS', fail_reason=None, error_code=None, end_time=None, is_download=False)
                  for task in emulator.tasks()]
    emulator.inject({'respond': {'export_tasks': first_page, 'count': 10 ** 9}, 'count': 1000})
    args = tmp_path / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': dict(connection_vars(emulator), concurrency=32)}))
    # The peak of this process's own memory (VmHWM): ru_maxrss would also count the pytest process that spawned it,
    # because Linux keeps the larger peak across the exec.
    code = ('import runpy, sys; sys.argv = ["export_task_info", sys.argv[1]]\n'
            'try:\n    runpy.run_module("ansible_collections.hwcloud.workspace.plugins.modules.export_task_info", '
            'run_name="__main__")\n'
            'finally:\n    print([line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")][0], '
            'file=sys.stderr)')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, '-c', code, str(args)], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    result = json.loads(done.stdout)
    assert result['failed'] and 'more than max_tasks (100000)' in result['msg'], result
    assert len(list_requests(emulator)) == 1
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert peak_kib < 100 * 1024, peak_kib
