# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bounded by construction, end to end: the connection's timeout limits each request in every module and never a
wait, and a download that stalls or trickles fails as documented leaving nothing behind. (That the controller path
reads the task's environment as a shipped module does is the target export_task_info's, on both paths.)"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import json
import os

import pytest

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

SEED = {'tasks': [{'task_id': 'ready', 'file_name': 'ready.xlsx', 'status': 'SUCCESS',
                   'create_time': '2026-11-28T00:00:00.000Z'}]}


def play(group, tasks, environment=None):
    header = {'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {'group/hwcloud.workspace.workspace': group}}
    if environment:
        header['environment'] = environment
    return json.dumps([dict(header, tasks=tasks)])


@pytest.fixture(params=['controller', 'shipped'])
def run_play(request, run_playbook, python_without_requests):
    if request.param == 'controller':
        return functools.partial(run_playbook, connection='local', python=python_without_requests)
    return functools.partial(run_playbook, connection='shipped')


MODULE_TASKS = {
    'export_task_info': {'hwcloud.workspace.export_task_info': {}},
    'export_task': {'hwcloud.workspace.export_task': {'kind': 'user_groups'}},
    'export_file': {'hwcloud.workspace.export_file': {'task_id': 'ready', 'dest': 'DEST/'}},
    'wait_for_exports': {'hwcloud.workspace.wait_for_exports': {'task_ids': ['ready']}},
}


@pytest.mark.parametrize('module', sorted(MODULE_TASKS))
def test_the_groups_timeout_cuts_a_slow_request_in_every_module_alike(module, emulator_factory, run_play, tmp_path):
    emulator = emulator_factory(seed=SEED)
    emulator.inject({'slow': 1, 'delay_ms': 4000})
    task = json.loads(json.dumps(MODULE_TASKS[module]).replace('DEST', str(tmp_path)))
    run = run_play(play(dict(connection_vars(emulator), timeout=1, retries=0), [dict(task, name='slow', ignore_errors=True)]))
    result = run.result('slow')
    assert result['_outcome'] == 'failed', result
    assert 'timed out waiting for the answer (timeout 1 s)' in result['msg'], result['msg']


def test_the_groups_timeout_leaves_every_wait_untouched(emulator_factory, run_play):
    """timeout: 1 for the group, and exports that take 2.5 s: every wait waits for them (wait_timeout's 600 s)."""
    emulator = emulator_factory(seed={'tasks': [{'task_id': 'late-%d' % number, 'finish_after': 2.5}
                                                for number in range(3)]}, export_delay=2.5)
    tasks = [
        {'name': 'info', 'hwcloud.workspace.export_task_info': {'task_ids': ['late-0'], 'wait': True, 'wait_sleep': 0.3}},
        {'name': 'module', 'hwcloud.workspace.wait_for_exports': {'task_ids': ['late-1'], 'wait_sleep': 0.3}},
        {'name': 'role', 'ansible.builtin.include_role': {'name': 'hwcloud.workspace.wait_for_exports'},
         'vars': {'wait_for_exports_task_ids': ['late-2'], 'wait_for_exports_sleep': 0.3}},
        {'name': 'start', 'hwcloud.workspace.export_task': {'kind': 'users', 'wait': True, 'wait_sleep': 0.3}},
    ]
    run = run_play(play(dict(connection_vars(emulator), timeout=1), tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert [task['status'] for task in run.result('info')['export_tasks']] == ['SUCCESS']
    assert [task['status'] for task in run.result('module')['export_tasks']] == ['SUCCESS']
    assert run.result('start')['export_task']['status'] == 'SUCCESS'


@pytest.mark.parametrize('fault, words', [
    ({'trickle': 1, 'interval_ms': 200}, 'the download stalled: less than 64 KiB arrived in 2 s (timeout)'),
    ({'trickle': 1, 'interval_ms': 30000}, 'the download stalled: less than 64 KiB arrived in 2 s (timeout)'),
])
def test_a_trickled_and_a_stalled_download_fail_as_documented_leaving_nothing(fault, words, emulator_factory,
                                                                              run_play, tmp_path):
    emulator = emulator_factory(seed=SEED)
    # The list request that finds the task is answered as usual; the download that follows is bent.
    emulator.inject([{'slow': 1, 'delay_ms': 0}, fault])
    run = run_play(play(dict(connection_vars(emulator), timeout=2),
                        [{'name': 'download', 'ignore_errors': True,
                          'hwcloud.workspace.export_file': {'task_id': 'ready', 'dest': str(tmp_path) + '/'}}]))
    result = run.result('download')
    assert result['_outcome'] == 'failed' and words in result['msg'], result
    assert [name for name in os.listdir(str(tmp_path)) if not name.startswith(('playbook', 'results'))] == []
