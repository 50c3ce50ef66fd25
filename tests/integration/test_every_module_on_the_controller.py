# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module and both roles, one way: in the controller process over a local connection (localhost's Python
cannot import requests there), and shipped (a connection that is not local, and async) with the same results.
Progress on standard error for every wait, facts that read without a deprecation."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

SEED = {'tasks': [
    {'task_id': 'ready', 'file_name': 'ready.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-28T00:00:00.000Z'},
    {'task_id': 'broken', 'file_name': 'broken.xlsx', 'status': 'FAIL', 'fail_reason': 'disk full',
     'error_code': 'WKS.1', 'create_time': '2026-11-28T01:00:00.000Z'},
]}

# One task of every module and role, the connection from module_defaults of the action group (the roles read it
# there too), each result recorded under its name.
PLAY = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.workspace.workspace: %(connection)s
  vars:
    hwcloud_workspace_endpoint: "%(endpoint)s"
    hwcloud_workspace_project_id: "%(project_id)s"
    hwcloud_workspace_access_key: "%(access_key)s"
    hwcloud_workspace_secret_key: "%(secret_key)s"
  tasks:
    - name: start
      hwcloud.workspace.export_task:
        kind: users
        parameters: {active_type: USER_ACTIVATE}
        language: en_US
        wait: true
        wait_sleep: 0.3
%(extra)s
      register: started

    - name: list
      hwcloud.workspace.export_task_info:
        task_ids: ["{{ started.task_id }}", ready]
%(extra)s

    - name: download
      hwcloud.workspace.export_file:
        task_id: ready
        dest: "%(dest)s/"
        mode: "0640"
%(extra)s

    - name: download again
      hwcloud.workspace.export_file:
        task_id: ready
        dest: "%(dest)s/"
        mode: "0640"
%(extra)s

    - name: wait module
      hwcloud.workspace.wait_for_exports:
        task_ids: [ready, "{{ started.task_id }}"]
        wait_sleep: 0.3
%(extra)s

    - name: wait module fact
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | map(attribute='status') | list }}"

    - name: lookup
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', 'ready', 'broken', query='[].status') }}"

    - name: delete
      hwcloud.workspace.export_task:
        state: absent
        task_ids: ["{{ started.task_id }}", ghost]
%(extra)s

    - name: delete again
      hwcloud.workspace.export_task:
        state: absent
        task_ids: ["{{ started.task_id }}"]
%(extra)s

    - name: role wait
      ansible.builtin.include_role:
        name: hwcloud.workspace.wait_for_exports
      vars:
        wait_for_exports_task_ids: [ready]
        wait_for_exports_sleep: 0.3

    - name: role wait fact
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | map(attribute='task_id') | list }}"

    - name: role export
      ansible.builtin.include_role:
        name: hwcloud.workspace.export_and_download
      vars:
        export_and_download_kind: user_groups
        export_and_download_dest: "%(dest)s"
        export_and_download_delete: true
        export_and_download_sleep: 0.3

    - name: role export fact
      ansible.builtin.debug:
        msg: "{{ export_and_download_file }}"
'''
UUID = re.compile(r'[0-9a-f]{32}')
STAMP = re.compile(r'_\d{17}\.')
VOLATILE = ('create_time', 'end_time', 'invocation', 'checksum', 'size', 'request_id')


def normalized(value, dest):
    """A result without what differs from run to run: new task IDs and file names, times, sizes of new files,
    the run's own directory."""
    if isinstance(value, dict):
        return dict((key, '~' if key in VOLATILE else normalized(item, dest)) for key, item in value.items()
                    if not key.startswith('_ansible'))
    if isinstance(value, list):
        return [normalized(item, dest) for item in value]
    if isinstance(value, str):
        return STAMP.sub('_STAMP.', UUID.sub('ID', value.replace(dest, 'DEST')))
    return value


def run_everything(emulator_factory, run_playbook, tmp_path, name, asynchronous=False, **options):
    emulator = emulator_factory(seed=SEED, export_delay=0.6)
    dest = tmp_path / name
    dest.mkdir()
    conn = connection_vars(emulator)
    extra = '      async: 120\n      poll: 1' if asynchronous else ''
    playbook = PLAY % dict(conn, connection=json.dumps(conn), extra=extra, dest=str(dest))
    if not asynchronous:
        playbook = '\n'.join(line for line in playbook.splitlines() if line.strip())
    run = run_playbook(playbook, **options)
    assert run.rc == 0, run.stdout + run.stderr
    names = ('start', 'list', 'download', 'download again', 'wait module', 'wait module fact', 'lookup', 'delete',
             'delete again', 'role wait fact', 'role export fact')
    results = dict((task, normalized(dict((key, value) for key, value in run.result(task).items()
                                          if key not in ('ansible_job_id', 'started', 'finished', 'results_file',
                                                         'stdout', 'stderr', 'stdout_lines', 'stderr_lines')),
                                     str(dest)))
                   for task in names)
    results['files'] = sorted(STAMP.sub('_STAMP.', file) for file in os.listdir(str(dest)))
    return results, run


def test_every_module_and_both_roles_run_in_the_controller_and_shipped_alike(emulator_factory, run_playbook, tmp_path,
                                                                            python_without_requests):
    controller, run = run_everything(emulator_factory, run_playbook, tmp_path, 'controller', connection='local',
                                     python=python_without_requests)
    shipped, _run = run_everything(emulator_factory, run_playbook, tmp_path, 'shipped', connection='shipped')
    asynchronous, _run = run_everything(emulator_factory, run_playbook, tmp_path, 'async', asynchronous=True,
                                        connection='local')
    # With async, ansible-core itself sets a module's facts (no action can register variables then): reading the
    # fact as a top-level variable is its INJECT_FACTS_AS_VARS deprecation on 2.21 (ansible_facts.<name> is not).
    for deprecation in asynchronous['wait module fact'].pop('deprecations', []):
        assert deprecation['msg'].startswith('INJECT_FACTS_AS_VARS'), deprecation
    for name in controller:
        assert controller[name] == shipped[name], name
        assert controller[name] == asynchronous[name], name
    assert controller['start']['export_task']['status'] == 'SUCCESS' and controller['start']['changed'] is True
    assert [task['task_id'] for task in controller['list']['export_tasks']] == ['ID', 'ready']
    assert controller['download']['changed'] is True and controller['download again']['changed'] is False
    assert controller['wait module fact']['msg'] == ['SUCCESS', 'SUCCESS']
    assert controller['lookup']['msg'] == ['SUCCESS', 'FAIL']
    assert controller['delete']['deleted_task_ids'] == ['ID'] and controller['delete']['missing_task_ids'] == ['ghost']
    assert controller['delete again']['changed'] is False
    assert controller['role wait fact']['msg'] == ['ready']
    assert controller['role export fact']['msg']['task_id'] == 'ID'
    assert controller['files'] == ['UserGroupList_STAMP.xlsx', 'ready.xlsx']
    # On the controller, no module could have been shipped: localhost's Python has no requests.
    assert 'Failed to import the required Python library' not in run.stdout + run.stderr


def test_every_wait_prints_its_progress_on_standard_error(emulator_factory, run_playbook, tmp_path):
    emulator = emulator_factory(export_delay=0.6)
    dest = tmp_path / 'files'
    dest.mkdir()
    conn = connection_vars(emulator)
    run = run_playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: start and wait
      hwcloud.workspace.export_task:
        kind: user_groups
        wait: true
        wait_sleep: 0.2
%s
    - name: role
      ansible.builtin.include_role:
        name: hwcloud.workspace.export_and_download
      vars:
        export_and_download_kind: user_groups
        export_and_download_dest: "%s"
        export_and_download_sleep: 0.2
        hwcloud_workspace_endpoint: "%s"
        hwcloud_workspace_project_id: "%s"
        hwcloud_workspace_access_key: "%s"
        hwcloud_workspace_secret_key: "%s"
''' % ('\n'.join('        %s: %s' % (key, json.dumps(value)) for key, value in conn.items()), dest,
       conn['endpoint'], conn['project_id'], conn['access_key'], conn['secret_key']))
    assert run.rc == 0, run.stdout + run.stderr
    task_ids = [task['task_id'] for task in emulator.tasks()]
    assert len(task_ids) == 2
    progress = [line for line in run.stderr.splitlines() if line.startswith('hwcloud.workspace.export_task [localhost]: ')]
    for task_id in task_ids:
        assert 'hwcloud.workspace.export_task [localhost]: waiting for 1 export task(s) to leave CREATING, time-out ' \
               '600 s: %s' % task_id in progress, progress
        assert 'hwcloud.workspace.export_task [localhost]: 1 export task(s) finished: %s SUCCESS' % task_id in progress
    assert not any(task_id in run.stdout for task_id in task_ids if 'waiting for' in run.stdout)
