# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: the playbooks in playbooks/ run as their headers say, against the local emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

SEED_TASKS = [
    {'task_id': 'old-desktops', 'file_name': 'desktops_20261120.xlsx', 'status': 'SUCCESS', 'is_download': True,
     'create_time': '2026-11-20T08:00:00.000Z'},
    {'task_id': 'old-users', 'file_name': 'users_20261121.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-21T08:00:00.000Z'},
    {'task_id': 'old-usage', 'file_name': 'usage_202610.xlsx', 'status': 'FAIL', 'fail_reason': 'no usage data yet',
     'error_code': 'WKS.00010002', 'create_time': '2026-11-22T08:00:00.000Z'},
    {'task_id': 'old-expired', 'file_name': 'desktops_20261001.xlsx', 'status': 'EXPIRED', 'create_time': '2026-10-01T08:00:00.000Z'},
]


def run_user_playbook(run_playbook, name, emulator, *args):
    """playbooks/<name> with the connection from the environment variables a user sets for the cloud."""
    return run_playbook(name, env=emulator.user_environment({}), args=args)


def test_list_export_tasks(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS + [
        {'task_id': 'running', 'file_name': 'users_20261128.xlsx', 'finish_after': 3600}]})
    run = run_user_playbook(run_playbook, 'list_export_tasks.yml', emulator)
    assert run.rc == 0, run.stdout + run.stderr
    shown = run.result('Show the export tasks')
    lines = shown['msg']
    assert lines[0] == '5 export task(s): 1 CREATING, 1 EXPIRED, 1 FAIL, 2 SUCCESS'
    # Newest first, one readable line per task.
    assert [line.split()[0] for line in lines[1:]] == ['CREATING', 'FAIL', 'SUCCESS', 'SUCCESS', 'EXPIRED']
    assert 'users_20261128.xlsx' in lines[1] and 'running' in lines[1]
    assert 'WKS.00010002: no usage data yet' in lines[2]
    assert lines[4].endswith('desktops_20261120.xlsx (downloaded)')
    # The project ID came from IAM by region, as against the cloud.
    assert any(entry['path'].startswith('/v3/projects') for entry in emulator.requests_log())

    # Filters, and connection options from hwcloud_workspace_* variables, which win over the environment.
    run = run_user_playbook(run_playbook, 'list_export_tasks.yml', emulator, '-e', json.dumps({
        'status': 'SUCCESS', 'is_download': False, 'hwcloud_workspace_access_key': emulator.access_key,
        'hwcloud_workspace_secret_key': emulator.secret_key, 'hwcloud_workspace_project_id': emulator.project_id}),
        '-e', 'newest_first=false')
    assert run.rc == 0, run.stdout + run.stderr
    shown = run.result('Show the export tasks')
    assert shown['msg'][0] == '1 export task(s) matching status=SUCCESS, is_download=False: 1 SUCCESS'
    assert 'old-users' in shown['msg'][1] and len(shown['msg']) == 2
    assert emulator.secret_key not in run.stdout + run.stderr


def test_wait_for_exports_and_demo_playbooks(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS})
    emulator.add_tasks([
        {'task_id': 'new-desktops', 'file_name': 'desktops_20261128.xlsx', 'finish_after': 3.5},
        {'task_id': 'new-users', 'file_name': 'users_20261128.xlsx', 'finish_after': 4},
    ])
    # Given IDs (comma-separated as -e task_ids=...): waits, then reports the files.
    run = run_user_playbook(run_playbook, 'wait_for_exports.yml', emulator,
                            '-e', 'task_ids=new-desktops,new-users', '-e', 'wait_sleep=0.3')
    assert run.rc == 0, run.stdout + run.stderr
    report = run.result('Report the exported files')
    assert report['msg'][0] == '2 export task(s) done; files ready to download:'
    assert report['msg'][1].startswith('desktops_20261128.xlsx  (task new-desktops, finished 20')
    assert report['msg'][2].startswith('users_20261128.xlsx  (task new-users, finished 20')

    # Every running task (only new-usage, started now): it ends FAIL, so the playbook fails, saying why.
    emulator.add_tasks([{'task_id': 'new-usage', 'file_name': 'usage_202611.xlsx', 'finish_after': 10, 'final_status': 'FAIL',
                         'fail_reason': 'The export file exceeds the size limit', 'error_code': 'WKS.00010017'}])
    run = run_user_playbook(run_playbook, 'wait_for_exports.yml', emulator, '-e', 'wait_sleep=0.3')
    assert run.rc == 2, run.stdout + run.stderr
    failed = run.result('Check that every export task gave a file')
    assert failed['msg'].splitlines() == [
        '1 export task(s) ended without a file:',
        'task_id new-usage, file_name usage_202611.xlsx, status FAIL, error_code WKS.00010017, '
        'fail_reason The export file exceeds the size limit']
    assert 'Report the exported files' not in run.results

    # The demo's workflow handles the failure, reports files and the failure, and succeeds.
    run = run_user_playbook(run_playbook, 'demo.yml', emulator, '-e', json.dumps(
        {'task_ids': ['new-desktops', 'new-users', 'new-usage'], 'wait_sleep': 0.3}))
    assert run.rc == 0, run.stdout + run.stderr
    why = run.result('Show why wait_for_exports failed')
    assert why['msg'][2].startswith(
        'task_id new-usage, file_name usage_202611.xlsx, status FAIL, error_code WKS.00010017')
    report = run.result('Report the exports that were waited on')
    assert report['msg'][0].startswith('ready to download: desktops_20261128.xlsx (task new-desktops')
    assert report['msg'][2].startswith('FAIL: usage_202611.xlsx (task new-usage): WKS.00010017 The export file exceeds')
    assert emulator.secret_key not in run.stdout + run.stderr
