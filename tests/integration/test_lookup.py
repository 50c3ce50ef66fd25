# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, for what the target lookup_export_tasks cannot check: the lookup runs in the controller, so only the
controller's own environment (not a task's environment keyword) can give it its connection."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

SEED_TASKS = [
    {'task_id': 'task-1', 'file_name': 'desktops.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-20T08:00:00.000Z'},
    {'task_id': 'task-4', 'file_name': 'broken.xlsx', 'status': 'FAIL', 'fail_reason': 'disk full',
     'error_code': 'WKS.0001', 'create_time': '2026-11-23T08:00:00.000Z'},
]

PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: connection from the environment
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', status='FAIL') }}"
'''


def test_lookup_takes_its_connection_from_the_controllers_environment_first_names_first(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS})
    # Both names of each variable are set: the first one documented wins.
    environment = dict(HW_WORKSPACE_ENDPOINT=emulator.url,
                       HUAWEICLOUD_SDK_PROJECT_ID=emulator.project_id, HW_PROJECT_ID='not-this-project',
                       HUAWEICLOUD_SDK_AK=emulator.access_key, HW_ACCESS_KEY='NOT-THIS-AK',
                       HUAWEICLOUD_SDK_SK=emulator.secret_key, HW_SECRET_KEY='not-this-secret')
    run = run_playbook(PLAYBOOK, env=environment)
    assert run.rc == 0, run.stdout + run.stderr
    assert [task['task_id'] for task in run.result('connection from the environment')['msg']] == ['task-4']
    assert [(entry['auth'], entry['status']) for entry in emulator.requests_log()] == [('aksk', 200)]
    assert emulator.secret_key not in run.stdout + run.stderr
