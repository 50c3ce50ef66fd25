# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module wait_for_exports end to end: the same outcomes in the controller process, shipped, and with async."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level
from .test_export_task_info import comparable  # pylint: disable=relative-beyond-top-level

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
%s
'''

SEED = {'tasks': [
    {'task_id': 'ready', 'file_name': 'ready.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-28T00:00:00.000Z'},
    {'task_id': 'broken', 'file_name': 'broken.xlsx', 'status': 'FAIL', 'fail_reason': 'disk full',
     'error_code': 'WKS.1', 'create_time': '2026-11-28T01:00:00.000Z'},
    {'task_id': 'never', 'file_name': 'never.xlsx', 'finish_after': 3600, 'create_time': '2026-11-28T02:00:00.000Z'},
]}

# Every kind of outcome, each followed by a task that shows the fact the module set (or did not set).
SCENARIOS = [
    ('success', dict(task_ids=['soon', 'ready'], wait_sleep=0.2, wait_timeout=60)),
    ('failed export', dict(task_ids=['ready', 'broken'], wait_sleep=0.2)),
    ('unknown ids', dict(task_ids=['ready', 'ghost'])),
    ('time-out', dict(task_ids=['never', 'ready'], wait_sleep=0.2, wait_timeout=0.5)),
    ('bad sleep', dict(wait_sleep=0)),
    ('unknown option', dict(colour='blue')),
    ('api error', dict(secret_key='wrong-secret-value')),
]


def task(name, args, extra=''):
    body = '\n'.join('        %s: %s' % (key, json.dumps(value)) for key, value in args.items())
    return '''    - name: %s
      hwcloud.workspace.wait_for_exports:
%s
%s      ignore_errors: true

    - name: fact after %s
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | default('unset') }}"

    - name: forget %s
      ansible.builtin.set_fact:
        wait_for_exports_tasks: unset
''' % (name, body, extra, name, name)


def without_end_times(records):
    """The records without end_time, which differs from run to run (the fact may also be 'unset')."""
    if not isinstance(records, list):
        return records
    return [dict((key, value) for key, value in record.items() if key != 'end_time') for record in records]


def same_every_run(result, emulator):
    facts = result.get('ansible_facts')
    if facts:
        result = dict(result, ansible_facts=dict(facts, wait_for_exports_tasks=without_end_times(
            facts['wait_for_exports_tasks'])))
    return comparable(result, emulator)


def run_scenarios(emulator_factory, run_playbook, extra, **options):
    emulator = emulator_factory(seed=SEED)
    emulator.add_tasks([{'task_id': 'soon', 'file_name': 'soon.xlsx', 'finish_after': 0.5,
                         'create_time': '2026-11-28T03:00:00.000Z'}])
    conn = connection_vars(emulator)
    run = run_playbook(PLAY % ''.join(task(name, dict(conn, **args), extra) for name, args in SCENARIOS), **options)
    assert run.rc == 0, run.stdout + run.stderr
    return dict((name, (same_every_run(run.result(name), emulator),
                        without_end_times(run.result('fact after %s' % name)['msg'])))
                for name, _args in SCENARIOS), run


def test_both_paths_and_async_give_the_same_results(emulator_factory, run_playbook, python_without_requests):
    runs = {}
    for path, extra, options in (
            ('controller', '', dict(connection='local', python=python_without_requests)),
            ('shipped', '', dict(connection='shipped')),
            ('async', '      async: 120\n      poll: 1\n', dict(connection='local'))):
        runs[path], run = run_scenarios(emulator_factory, run_playbook, extra, **options)
        assert 'wrong-secret-value' not in run.stdout + run.stderr
    for name, _args in SCENARIOS:
        assert runs['controller'][name] == runs['shipped'][name] == runs['async'][name], name
    results = dict((name, (json.loads(text), fact)) for name, (text, fact) in runs['controller'].items())

    result, fact = results['success']
    assert result['_outcome'] == 'ok' and result['changed'] is False
    assert [(task['task_id'], task['status']) for task in result['export_tasks']] == [('soon', 'SUCCESS'),
                                                                                      ('ready', 'SUCCESS')]
    assert fact == without_end_times(result['export_tasks']) == result['ansible_facts']['wait_for_exports_tasks']

    result, fact = results['failed export']
    assert result['_outcome'] == 'failed' and fact == 'unset'
    assert result['msg'].splitlines() == [
        '1 export task(s) ended without a file:',
        'task_id broken, file_name broken.xlsx, status FAIL, error_code WKS.1, fail_reason disk full']
    assert [task['task_id'] for task in result['export_tasks']] == ['ready', 'broken']

    result, fact = results['unknown ids']
    assert result['msg'] == 'Unknown export task ID(s): ghost' and result['missing_task_ids'] == ['ghost']

    result, fact = results['time-out']
    assert result['msg'] == ('Timed out after 0.5 seconds with 1 export task(s) still CREATING: never (file '
                             'never.xlsx). The exports go on in the service: wait for them again, or raise wait_timeout.')
    assert result['creating_task_ids'] == ['never'] and fact == 'unset'

    assert results['bad sleep'][0]['msg'] == 'wait_sleep must be a finite number of seconds, more than 0, got 0.0'

    assert results['unknown option'][0]['msg'].startswith(
        'Unsupported parameters for (hwcloud.workspace.wait_for_exports) module: colour')
    result = results['api error'][0]
    assert result['http_status'] == 401 and result['error_code'] == 'APIGW.0301'
    assert result['invocation']['module_args']['secret_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
