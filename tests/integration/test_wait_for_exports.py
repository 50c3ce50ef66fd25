# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, for what the target role_wait_for_exports cannot check: the role's output and progress and the shape
of its polls, a task that disappears from a scripted server, 300 tasks with each poll bounded, and ansible-doc."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import random
import re
import subprocess
import sys

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import ScriptedServer, make_task

# tests/conftest.py puts the checkout at $COLLECTIONS_PATH/ansible_collections/hwcloud/workspace and sets this.
COLLECTIONS_PATH = os.environ['ANSIBLE_COLLECTIONS_PATH']

HISTORY = [
    {'task_id': 'old-success', 'file_name': 'desktops_old.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-20T08:00:00.000Z'},
    {'task_id': 'old-fail', 'file_name': 'users_old.xlsx', 'status': 'FAIL', 'fail_reason': 'old failure',
     'error_code': 'WKS.0009', 'create_time': '2026-11-21T08:00:00.000Z'},
    {'task_id': 'old-expired', 'file_name': 'usage_old.xlsx', 'status': 'EXPIRED', 'create_time': '2026-11-22T08:00:00.000Z'},
]


def export_task_requests(emulator):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]


def split_requests(requests, sleep=None):
    """Group the export-task requests of one waiting module run: (initial, polls).

    Mostly by what was asked, not by when, since gaps within one poll grow without bound on a loaded machine.
    Each poll asks every query once and starts only after the one before it was answered, so, in the order the
    emulator received them, a request starts a new group when its query was already asked in the current
    group, or when it filters by another status than the request before it (the listing that found the
    CREATING tasks, then polls without a filter). A poll that only asks for tasks by ID repeats no query of
    the poll before it: where polls are one request each, give sleep, and a gap of more than half of it (polls
    are at least sleep apart: the waiter sleeps between them) also starts a group. The first group found the
    tasks; each later one is a poll (pages of the newest tasks, and tasks asked for by ID).
    """
    groups, asked, previous = [], set(), None
    for entry in sorted(requests, key=lambda entry: entry['started']):
        query = json.dumps(entry['query'], sort_keys=True)
        pause = sleep is not None and groups and entry['started'] - max(other['ended'] for other in groups[-1]) > sleep / 2
        if not groups or query in asked or entry['query'].get('status') != previous['query'].get('status') or pause:
            groups.append([])
            asked = set()
        groups[-1].append(entry)
        asked.add(query)
        previous = entry
    return (groups[0] if groups else []), groups[1:]


# Play variables that connect the role to the emulator given by emulator_vars().
CONNECTION_VARS = '''    hwcloud_workspace_endpoint: "{{ emulator.url }}"
    hwcloud_workspace_project_id: "{{ emulator.project_id }}"
    hwcloud_workspace_access_key: "{{ emulator.access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator.secret_key }}"
'''


PLAY_WITH_CONNECTION_VARS = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS

# The role in a block whose rescue records what a play would see.
RESCUED_CASE = '''
    - name: case %(name)s
      block:
        - name: wait %(name)s
          ansible.builtin.include_role:
            name: hwcloud.workspace.wait_for_exports
          vars: %(vars)s
        - name: not reached %(name)s
          ansible.builtin.debug:
            msg: the role did not fail
      rescue:
        - name: failed %(name)s
          ansible.builtin.debug:
            msg:
              task: "{{ ansible_failed_task.name }}"
              message: "{{ ansible_failed_result.msg }}"
              tasks: "{{ wait_for_exports_tasks | default(None) }}"
'''


def emulator_vars(emulator):
    return {'emulator': dict(url=emulator.url, project_id=emulator.project_id, access_key=emulator.access_key,
                             secret_key=emulator.secret_key)}


def test_given_tasks_all_succeed_connection_from_variables(emulator_factory, run_playbook, python_without_requests):
    emulator = emulator_factory(seed={'tasks': HISTORY})
    # The first listing and each poll read one page of the newest tasks: these finish in the second to fourth poll.
    emulator.add_tasks([
        {'task_id': 'desktops', 'file_name': 'desktops.xlsx', 'finish_after_listings': 3},
        {'task_id': 'users', 'file_name': 'users.xlsx', 'finish_after_listings': 4},
        {'task_id': 'usage', 'file_name': 'usage.xlsx', 'finish_after_listings': 2},
        {'task_id': 'other', 'file_name': 'other.xlsx', 'status': 'CREATING'},
    ])
    playbook = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS + '''    hwcloud_workspace_retries: 0
    hwcloud_workspace_timeout: 10
    hwcloud_workspace_validate_certs: false
    wait_for_exports_task_ids: [usage, desktops, users, old-success]
    wait_for_exports_sleep: 0.3
    wait_for_exports_timeout: 60
  roles:
    - hwcloud.workspace.wait_for_exports
  tasks:
    - name: result
      ansible.builtin.debug:
        var: wait_for_exports_tasks
'''
    run = run_playbook(playbook, extra_vars=emulator_vars(emulator), args=['-v'], python=python_without_requests)
    assert run.rc == 0, run.stdout + run.stderr
    # Quiet: the role's tasks without any skipped one, no internal fact, the progress on stderr.
    role_lines = [line for line in run.stdout.splitlines() if line.startswith('TASK [hwcloud.workspace.wait_for_exports : ')]
    # the argument check, the wait, the fact and the check that every task gave a file
    assert len(role_lines) == 4, role_lines
    assert 'skipping:' not in run.stdout and 'wait_for_exports__' not in run.stdout, run.stdout
    progress = [line for line in run.stderr.splitlines() if line.startswith('hwcloud.workspace.wait_for_exports [localhost]: ')]
    assert 'waiting for 3 export task(s)' in progress[0] and 'time-out 60 s' in progress[0], progress
    assert any('finished' in line for line in progress), progress
    tasks = run.result('result')['wait_for_exports_tasks']
    assert [task['task_id'] for task in tasks] == ['usage', 'desktops', 'users', 'old-success']
    assert [task['status'] for task in tasks] == ['SUCCESS'] * 4
    assert all(task['end_time'] for task in tasks)
    assert emulator.secret_key not in run.stdout + run.stderr
    initial, groups = split_requests(export_task_requests(emulator), 0.3)
    assert len(initial) == 1  # the tasks by ID: one page of the newest tasks
    assert len(groups) == 4, groups  # users is CREATING in the first listing and in three polls
    # each poll reads one page of the newest tasks, final records included: no fetch at the end
    assert all(len(group) == 1 and 'status' not in group[0]['query'] for group in groups)
    assert all(entry['auth'] != 'token' for entry in export_task_requests(emulator))


def test_a_task_that_disappears_while_waited_on_fails_the_role_once(run_playbook):
    server = ScriptedServer()
    try:
        server.tasks = [make_task(1, status='CREATING'), make_task(2, status='CREATING'),
                        make_task(3, status='FAIL', fail_reason='No desktop matched', error_code='WKS.0042')]
        serve = server.default
        polls = []

        def delete_then_finish(request):
            # 1: the tasks found on the first page of the newest ones; 2: the first poll, which no longer
            # sees task-0002 (3: asked for by its ID, not found); 4: the next poll sees task-0001 done.
            polls.append(request)
            if len(polls) == 2:
                server.tasks = [task for task in server.tasks if task['task_id'] != 'task-0002']
            elif len(polls) == 4:
                    server.tasks[0] = dict(server.tasks[0], status='SUCCESS')
            return serve(request)

        server.default = delete_then_finish
        playbook = PLAY_WITH_CONNECTION_VARS + RESCUED_CASE % dict(
            name='gone', vars=json.dumps(dict(wait_for_exports_task_ids=['task-0001', 'task-0002', 'task-0003'],
                                              wait_for_exports_sleep=0.1, wait_for_exports_timeout=60)))
        playbook = playbook.replace('\n    - name: case gone', '  tasks:\n    - name: case gone', 1)
        run = run_playbook(playbook, extra_vars={'emulator': dict(url=server.url, project_id='proj',
                                                                  access_key='AK', secret_key='SK')})
    finally:
        server.close()
    assert run.rc == 0, run.stdout + run.stderr
    assert len(re.findall(r'^fatal: ', run.stdout, re.MULTILINE)) == 1, run.stdout
    found = run.result('failed gone')['msg']
    assert found['task'] == 'Check that every export task gave a file', found  # the wait itself did not fail
    # Every reason in one message: the task that had failed already, then the one that disappeared.
    assert found['message'].splitlines() == [
        '1 export task(s) ended without a file:',
        'task_id task-0003, file_name export-0003.xlsx, status FAIL, error_code WKS.0042, fail_reason No desktop matched',
        'Export task(s) disappeared while waiting: task-0002',
    ], found
    assert [(task['task_id'], task['status']) for task in found['tasks']] == [('task-0001', 'SUCCESS'),
                                                                              ('task-0003', 'FAIL')]


def test_300_tasks_each_poll_is_bounded(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': HISTORY})
    randomness = random.Random(5)
    playbook = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS + '''  tasks:
    - name: wait on every running export
      ansible.builtin.include_role:
        name: hwcloud.workspace.wait_for_exports
      vars:
        wait_for_exports_sleep: 1
        wait_for_exports_timeout: 120

    - name: result
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | map(attribute='status') | list }}"
'''
    # Each finishes after 3 to 10 list answers have shown it: the first listing shows a task once, or twice where
    # its pages overlap, so every one is still CREATING when the role has found it, and they finish over many polls.
    emulator.add_tasks([{'task_id': 'bulk-%03d' % index, 'file_name': 'desktops_%03d.xlsx' % index,
                         'finish_after_listings': randomness.randint(3, 10)} for index in range(300)])
    emulator.clear_log()
    run = run_playbook(playbook, extra_vars=emulator_vars(emulator))
    assert run.rc == 0, run.stdout + run.stderr
    statuses = run.result('result')['msg']
    assert len(statuses) == 300 and set(statuses) == {'SUCCESS'}, statuses
    initial, groups = split_requests(export_task_requests(emulator))
    sizes = [len(group) for group in groups]
    assert all(entry['query'].get('status') == 'CREATING' for entry in initial) and len(groups) >= 3, sizes
    # The first listing finds the CREATING tasks; every poll after it reads the newest tasks (no status filter,
    # so finished tasks come with their final records) as deep as the followed ones: at most 4 requests.
    assert all(1 <= size <= 4 for size in sizes), sizes
    assert all(entry['query'].get('status') is None for group in groups for entry in group)
    assert all(entry['status'] == 200 for entry in export_task_requests(emulator))


def test_ansible_doc_renders_the_role():
    ansible_doc = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    completed = subprocess.run([ansible_doc, '-t', 'role', 'hwcloud.workspace.wait_for_exports'],
                               env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1'),
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout
    assert re.search(r'ENTRY POINT: \*?main\b', text), text
    for variable in ('wait_for_exports_task_ids', 'wait_for_exports_timeout', 'wait_for_exports_sleep',
                     'hwcloud_workspace_access_key', 'hwcloud_workspace_secret_key', 'hwcloud_workspace_security_token',
                     'hwcloud_workspace_auth_token', 'hwcloud_workspace_region', 'hwcloud_workspace_project_id',
                     'hwcloud_workspace_endpoint', 'hwcloud_workspace_iam_endpoint', 'hwcloud_workspace_validate_certs',
                     'hwcloud_workspace_timeout', 'hwcloud_workspace_retries', 'wait_for_exports_tasks'):
        assert variable in text, variable
    # ansible-core 2.21 warns about its own internal ansible._protomatter collection on every ansible-doc run.
    warnings = [line for line in completed.stderr.splitlines() if '[WARNING]' in line and '_protomatter' not in line]
    assert warnings == [], completed.stderr
