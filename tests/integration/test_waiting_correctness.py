# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting end to end through the module: a task still CREATING is never reported finished (the 1.0 bug:
one stuck task among a hundred finishing ones came back ok), every stuck one is named at the time-out, a task
that disappears is reported, and wait_timeout cuts a poll in flight. (An outage shorter than wait_timeout, and a
403 that ends the wait, are the target export_task_info's.)"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading
import time

from tools.workspace_emulator.testing import EmulatorError

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import ScriptedServer, make_task

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: wait
      hwcloud.workspace.export_task_info:
%s
      ignore_errors: true
'''


def wait_play(args):
    return PLAY % '\n'.join('        %s: %s' % (key, json.dumps(value)) for key, value in args.items())


def seed(finishing, stuck):
    """finishing tasks (done-NNN) that finish when the test says so, stuck ones (stuck-NNN) that never do,
    interleaved in creation order."""
    tasks = [{'task_id': 'done-%03d' % n, 'finish_after': 3600,
              'create_time': '2026-11-28T08:%02d:%02d.000Z' % (n // 60, n % 60)} for n in range(finishing)]
    tasks += [{'task_id': 'stuck-%03d' % n, 'status': 'CREATING',
               'create_time': '2026-11-28T09:%02d:%02d.000Z' % (n // 60, n % 60)} for n in range(stuck)]
    return {'tasks': sorted(tasks, key=lambda task: task['create_time'][-9:] + task['task_id'])}


def api_requests(emulator):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]


def in_background(emulator, after_requests, action):
    """Run action() in a thread once the emulator has answered after_requests API requests."""
    def watch():
        emulator.wait_for_requests(after_requests, timeout=60)
        action()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def finish_all_done(emulator, batch=10):
    """Finish the done-* tasks still CREATING, a batch at a time (churn may finish some of them first)."""
    while True:
        creating = [task['task_id'] for task in emulator.tasks()
                    if task['task_id'].startswith('done-') and task['status'] == 'CREATING']
        if not creating:
            return
        try:
            emulator.finish_tasks(creating[:batch])
        except EmulatorError:
            pass  # one of them was finished by churn in between: read again
        time.sleep(0.05)


def check_outcome(emulator, result):
    """Declared finished only when the server says so; every followed task the server has CREATING is named."""
    server = dict((task['task_id'], task['status']) for task in emulator.tasks())
    for task in result['export_tasks']:
        if task['task_id'] in result.get('creating_task_ids', []):
            assert task['status'] == 'CREATING'
        else:
            assert task['status'] != 'CREATING' and server[task['task_id']] != 'CREATING', task
    followed = set(task['task_id'] for task in result['export_tasks'])
    assert set(task_id for task_id in followed if server[task_id] == 'CREATING') <= set(result['creating_task_ids'])


def test_one_stuck_task_among_a_hundred_finishing_is_never_reported_finished(emulator_factory, run_playbook):
    emulator = emulator_factory(seed=seed(100, 1))
    emulator.inject({'churn': {'finish': 3, 'create': 1}})
    finisher = in_background(emulator, 1, lambda: finish_all_done(emulator))
    run = run_playbook(wait_play(dict(connection_vars(emulator), status='CREATING', wait=True, wait_timeout=8,
                                      wait_sleep=0.3)))
    finisher.join(30)
    result = run.result('wait')
    assert result['_outcome'] == 'failed' and 'stuck-000' in result['creating_task_ids']
    assert 'stuck-000' in result['msg']
    done = [task for task in result['export_tasks'] if task['task_id'].startswith('done-')]
    # churn finished a few before the first listing saw them: those were never followed
    assert len(done) >= 90 and set(task['status'] for task in done) == {'SUCCESS'}
    check_outcome(emulator, result)


def test_every_stuck_task_is_named_at_the_time_out(emulator_factory, run_playbook):
    emulator = emulator_factory(seed=seed(100, 50))
    emulator.inject({'churn': {'finish': 5, 'create': 1, 'order': 'random'}})
    finisher = in_background(emulator, 1, lambda: finish_all_done(emulator))
    run = run_playbook(wait_play(dict(connection_vars(emulator), status='CREATING', wait=True, wait_timeout=8,
                                      wait_sleep=0.3)))
    finisher.join(30)
    result = run.result('wait')
    assert result['_outcome'] == 'failed'
    stuck = ['stuck-%03d' % n for n in range(50)]
    assert set(stuck) <= set(result['creating_task_ids'])
    assert all(task_id in result['msg'] for task_id in stuck)
    done = [task for task in result['export_tasks'] if task['task_id'].startswith('done-')]
    assert len(done) >= 80 and all(task['status'] == 'SUCCESS' for task in done)
    check_outcome(emulator, result)


def test_a_followed_task_that_disappears_is_reported_missing(run_playbook):
    server = ScriptedServer()
    try:
        server.tasks = [make_task(1, status='CREATING'), make_task(2, status='CREATING')]
        serve = server.default
        polls = []

        def delete_then_finish(request):
            if 'status' not in request['query']:
                polls.append(request)
                if len(polls) == 1:
                    server.tasks = [task for task in server.tasks if task['task_id'] != 'task-0002']
                elif len(polls) == 2:
                    server.tasks[0] = dict(server.tasks[0], status='SUCCESS')
            return serve(request)

        server.default = delete_then_finish
        run = run_playbook(wait_play(dict(endpoint=server.url, iam_endpoint=server.url, project_id='proj',
                                          access_key='AK', secret_key='SK', status='CREATING', wait=True,
                                          wait_timeout=60, wait_sleep=0.1)))
    finally:
        server.close()
    result = run.result('wait')
    assert result['missing_task_ids'] == ['task-0002']
    assert [(task['task_id'], task['status']) for task in result['export_tasks']] == [('task-0001', 'SUCCESS')]
    assert any('task-0002' in text and 'disappeared' in text for text in [result.get('msg', '')] + result.get('warnings', []))


def test_wait_timeout_bounds_the_run_even_with_a_request_in_flight(emulator_factory, run_playbook):
    """After the first listing each answer takes 3 s and timeout is 30 s: the poll in flight at wait_timeout is
    cut by the deadline, not retried, and the run ends with the time-out instead of running on for a request
    time-out."""
    emulator = emulator_factory(seed=seed(0, 1))
    emulator.inject([{'pass': 1}, {'slow': 10, 'delay_ms': 3000}])
    run = run_playbook(wait_play(dict(connection_vars(emulator), status='CREATING', wait=True, wait_timeout=5,
                                      wait_sleep=0.2, timeout=30)))
    result = run.result('wait')
    assert result['_outcome'] == 'failed' and result['creating_task_ids'] == ['stuck-000']
    assert 'the last poll failed' not in result['msg'], result['msg']  # a cut at the deadline is no outage
    assert len(api_requests(emulator)) <= 3
