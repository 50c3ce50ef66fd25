# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: the hwcloud.workspace.export_tasks lookup in real ansible-playbook runs against the local emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import parse_qsl

SEED_TASKS = [
    {'task_id': 'task-1', 'file_name': 'desktops.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-20T08:00:00.000Z'},
    {'task_id': 'task-2', 'file_name': 'users.xlsx', 'status': 'SUCCESS', 'is_download': True,
     'create_time': '2026-11-21T08:00:00.000Z'},
    {'task_id': 'task-3', 'file_name': 'usage.xlsx', 'finish_after': 3600, 'create_time': '2026-11-22T08:00:00.000Z'},
    {'task_id': 'task-4', 'file_name': 'broken.xlsx', 'status': 'FAIL', 'fail_reason': 'disk full',
     'error_code': 'WKS.0001', 'create_time': '2026-11-23T08:00:00.000Z'},
]

# The connection as hwcloud_workspace_* variables of the play, themselves templated from extra vars.
SUCCESS_PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  vars:
    hwcloud_workspace_endpoint: "{{ emulator_url }}"
    hwcloud_workspace_project_id: "{{ emulator_project_id }}"
    hwcloud_workspace_access_key: "{{ emulator_access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator_secret_key }}"
    hwcloud_workspace_retries: 0
  tasks:
    - name: every task
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks') }}"

    - name: tasks by id
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', 'task-4', 'task-1', query='[].task_id') }}"

    - name: tasks by id from a list variable
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', wanted_ids, query='[].file_name') }}"
      vars:
        wanted_ids: [task-3, task-2]

    - name: one task with lookup and wantlist
      ansible.builtin.debug:
        msg: "{{ lookup('hwcloud.workspace.export_tasks', 'task-2', wantlist=True) }}"

    - name: filters
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', status='SUCCESS', is_download=false,
                       sort_field='create_time', sort_type='DESC', query='[].task_id') }}"

    - name: sorted newest first
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', sort_field='create_time', sort_type='DESC',
                       query='[].task_id') }}"

    - name: file names of successful exports
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', query=\"[?status=='SUCCESS'].file_name\") }}"

    - name: scalar query with query()
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', query='length(@)') }}"

    - name: scalar query with lookup()
      ansible.builtin.debug:
        msg: "{{ lookup('hwcloud.workspace.export_tasks', 'task-4', query='[0].fail_reason') }}"

    - name: when something is still creating
      ansible.builtin.debug:
        msg: still creating
      when: query('hwcloud.workspace.export_tasks', status='CREATING') | length > 0

    - name: when something is expired
      ansible.builtin.debug:
        msg: expired
      when: query('hwcloud.workspace.export_tasks', status='EXPIRED') | length > 0

    - name: keywords win over variables
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', 'task-1', secret_key=wrong_secret) }}"
      vars:
        wrong_secret: wrong-secret-value
      ignore_errors: true
'''

# The connection from the environment, where both names of each variable are set.
ERROR_PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: api error
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', retries=0) }}"
      ignore_errors: true

    - name: connection from the environment
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', status='FAIL') }}"

    - name: unknown task id
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', 'task-1', 'no-such-task') }}"
      ignore_errors: true

    - name: unknown task id ignored
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', 'no-such-task', errors='ignore') }}"

    - name: invalid status
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', status='DONE') }}"
      ignore_errors: true

    - name: invalid query
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', query='[?status==') }}"
      ignore_errors: true
'''


def emulator_vars(emulator):
    return dict(emulator_url=emulator.url, emulator_project_id=emulator.project_id,
                emulator_access_key=emulator.access_key, emulator_secret_key=emulator.secret_key)


def export_queries(emulator):
    return [dict(parse_qsl(entry['raw_query'])) for entry in emulator.requests_log()
            if entry['path'].endswith('/export-tasks')]


def test_lookup_with_variables_as_connection(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS})
    run = run_playbook(SUCCESS_PLAYBOOK, extra_vars=emulator_vars(emulator))
    assert run.rc == 0, run.stdout + run.stderr

    every = run.result('every task')['msg']
    assert [task['task_id'] for task in every] == ['task-1', 'task-2', 'task-3', 'task-4']
    assert every[3] == dict(task_id='task-4', file_name='broken.xlsx', status='FAIL', fail_reason='disk full',
                            error_code='WKS.0001', create_time='2026-11-23T08:00:00.000Z', end_time=every[3]['end_time'],
                            is_download=False)
    assert run.result('tasks by id')['msg'] == ['task-4', 'task-1']
    assert run.result('tasks by id from a list variable')['msg'] == ['usage.xlsx', 'users.xlsx']
    (one,) = run.result('one task with lookup and wantlist')['msg']
    assert one['task_id'] == 'task-2' and one['is_download'] is True
    assert run.result('filters')['msg'] == ['task-1']
    assert run.result('sorted newest first')['msg'] == ['task-4', 'task-3', 'task-2', 'task-1']
    assert run.result('file names of successful exports')['msg'] == ['desktops.xlsx', 'users.xlsx']
    assert run.result('scalar query with query()')['msg'] == [4]
    assert run.result('scalar query with lookup()')['msg'] == 'disk full'
    assert run.result('when something is still creating')['_outcome'] == 'ok'
    assert run.result('when something is expired')['_outcome'] == 'skipped'

    wrong_key = run.result('keywords win over variables')
    assert wrong_key['_outcome'] == 'failed'
    assert 'failed with HTTP 401' in wrong_key['msg']
    assert 'wrong-secret-value' not in wrong_key['msg']
    assert 'wrong-secret-value' not in run.stdout.replace('wrong_secret: wrong-secret-value', '')
    assert emulator.secret_key not in run.stdout + run.stderr

    queries = export_queries(emulator)
    assert dict(status='SUCCESS', is_download='false', sort_field='create_time', sort_type='DESC',
                offset='0', limit='100') in queries
    assert dict(task_id='task-2') in queries


def test_lookup_errors_and_environment(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS})
    environment = dict(HW_WORKSPACE_ENDPOINT=emulator.url,
                       HUAWEICLOUD_SDK_PROJECT_ID=emulator.project_id, HW_PROJECT_ID='not-this-project',
                       HUAWEICLOUD_SDK_AK=emulator.access_key, HW_ACCESS_KEY='NOT-THIS-AK',
                       HUAWEICLOUD_SDK_SK=emulator.secret_key, HW_SECRET_KEY='not-this-secret')
    # The first request of the run (task "api error") gets this answer.
    emulator.inject({'status': 403, 'count': 1, 'error_code': 'Workspace.0403', 'error_msg': 'Policy does not allow'})
    run = run_playbook(ERROR_PLAYBOOK, env=environment)

    api_error = run.result('api error')
    assert api_error['_outcome'] == 'failed'
    assert 'failed with HTTP 403: error_code=Workspace.0403, error_msg=Policy does not allow' in api_error['msg']
    assert 'request_id=' in api_error['msg']

    from_env = run.result('connection from the environment')
    assert from_env['_outcome'] == 'ok', from_env
    assert [task['task_id'] for task in from_env['msg']] == ['task-4']

    unknown = run.result('unknown task id')
    assert unknown['_outcome'] == 'failed'
    assert 'Unknown export task ID(s): no-such-task' in unknown['msg']
    assert run.result('unknown task id ignored')['msg'] == []

    invalid_status = run.result('invalid status')
    assert invalid_status['_outcome'] == 'failed'
    assert "status must be one of CREATING, SUCCESS, FAIL, EXPIRED, got 'DONE'" in invalid_status['msg']
    invalid_query = run.result('invalid query')
    assert invalid_query['_outcome'] == 'failed'
    assert 'query is not a valid JMESPath expression' in invalid_query['msg']
    assert 'Traceback' not in run.stdout + run.stderr
    assert emulator.secret_key not in run.stdout + run.stderr
