# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: the playbooks in playbooks/ run as their headers say, against the local emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SEED_TASKS = [
    {'task_id': 'old-desktops', 'file_name': 'desktops_20261120.xlsx', 'status': 'SUCCESS', 'is_download': True,
     'create_time': '2026-11-20T08:00:00.000Z'},
    {'task_id': 'old-users', 'file_name': 'users_20261121.xlsx', 'status': 'SUCCESS', 'create_time': '2026-11-21T08:00:00.000Z'},
    {'task_id': 'old-usage', 'file_name': 'usage_202610.xlsx', 'status': 'FAIL', 'fail_reason': 'no usage data yet',
     'error_code': 'WKS.00010002', 'create_time': '2026-11-22T08:00:00.000Z'},
    {'task_id': 'old-expired', 'file_name': 'desktops_20261001.xlsx', 'status': 'EXPIRED', 'create_time': '2026-10-01T08:00:00.000Z'},
]


def role_task(results, name):
    """The results of the role's task of that name (recorded as '<role> : <name>')."""
    [key] = [key for key in results if key == name or key.endswith(' : ' + name)]
    return results[key]


@pytest.fixture
def playbook(tmp_path):
    """playbook(name, emulator, *args): ansible-playbook -i playbooks/inventory.yml playbooks/<name>, with the
    connection from the environment variables a user sets for the cloud, pointed at the emulator."""
    counter = [0]

    def run(name, emulator, *args):
        counter[0] += 1
        results_path = tmp_path / ('results%d.json' % counter[0])
        env = dict(os.environ)
        for variable in list(env):
            if variable.startswith(('HUAWEICLOUD_SDK_', 'HW_')):
                del env[variable]
        env.update({
            'HW_WORKSPACE_ENDPOINT': emulator.url,
            'HUAWEICLOUD_SDK_IAM_ENDPOINT': emulator.url,
            'HUAWEICLOUD_SDK_REGION': emulator.region,
            'HUAWEICLOUD_SDK_AK': emulator.access_key,
            'HUAWEICLOUD_SDK_SK': emulator.secret_key,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
            'RECORD_RESULTS_FILE': str(results_path),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
        })
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                   '-i', os.path.join(ROOT, 'playbooks', 'inventory.yml'), os.path.join(ROOT, 'playbooks', name)] + list(args)
        completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        return completed, results

    return run


def test_list_export_tasks(emulator_factory, playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS + [
        {'task_id': 'running', 'file_name': 'users_20261128.xlsx', 'finish_after': 3600}]})
    completed, results = playbook('list_export_tasks.yml', emulator)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [shown] = results['Show the export tasks']
    lines = shown['msg']
    assert lines[0] == '5 export task(s): 1 CREATING, 1 EXPIRED, 1 FAIL, 2 SUCCESS'
    # Newest first, one readable line per task.
    assert [line.split()[0] for line in lines[1:]] == ['CREATING', 'FAIL', 'SUCCESS', 'SUCCESS', 'EXPIRED']
    assert 'users_20261128.xlsx' in lines[1] and 'running' in lines[1]
    assert 'WKS.00010002: no usage data yet' in lines[2]
    assert lines[4].endswith('desktops_20261120.xlsx (downloaded)')
    # The project ID came from IAM by region, as against the cloud.
    assert any(entry['path'].startswith('/v3/projects') for entry in emulator.requests_log())

    # Filters, and the connection from hwcloud_workspace_* variables instead (the environment's key is wrong).
    completed, results = playbook('list_export_tasks.yml', emulator, '-e', json.dumps({
        'status': 'SUCCESS', 'is_download': False, 'hwcloud_workspace_access_key': emulator.access_key,
        'hwcloud_workspace_secret_key': emulator.secret_key, 'hwcloud_workspace_project_id': emulator.project_id}),
        '-e', 'newest_first=false')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [shown] = results['Show the export tasks']
    assert shown['msg'][0] == '1 export task(s) matching status=SUCCESS, is_download=False: 1 SUCCESS'
    assert 'old-users' in shown['msg'][1] and len(shown['msg']) == 2
    assert emulator.secret_key not in completed.stdout + completed.stderr


def test_wait_for_exports_and_demo_playbooks(emulator_factory, playbook):
    emulator = emulator_factory(seed={'tasks': SEED_TASKS})
    emulator.add_tasks([
        {'task_id': 'new-desktops', 'file_name': 'desktops_20261128.xlsx', 'finish_after': 3.5},
        {'task_id': 'new-users', 'file_name': 'users_20261128.xlsx', 'finish_after': 4},
    ])
    # Given IDs (comma-separated as -e task_ids=...): waits, then reports the files.
    completed, results = playbook('wait_for_exports.yml', emulator, '-e', 'task_ids=new-desktops,new-users', '-e', 'wait_sleep=0.3')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [report] = results['Report the exported files']
    assert report['msg'][0] == '2 export task(s) done; files ready to download:'
    assert report['msg'][1].startswith('desktops_20261128.xlsx  (task new-desktops, finished 20')
    assert report['msg'][2].startswith('users_20261128.xlsx  (task new-users, finished 20')

    # Every running task (only new-usage, started now): it ends FAIL, so the playbook fails, saying why.
    emulator.add_tasks([{'task_id': 'new-usage', 'file_name': 'usage_202611.xlsx', 'finish_after': 4, 'final_status': 'FAIL',
                         'fail_reason': 'The export file exceeds the size limit', 'error_code': 'WKS.00010017'}])
    completed, results = playbook('wait_for_exports.yml', emulator, '-e', 'wait_sleep=0.3')
    assert completed.returncode == 2, completed.stdout + completed.stderr
    [failed] = role_task(results, 'Fail for each export task that ended FAIL or EXPIRED')
    assert [item['msg'] for item in failed['results']] == [
        'Export task new-usage (file_name usage_202611.xlsx) ended FAIL: error_code WKS.00010017, '
        'fail_reason: The export file exceeds the size limit']
    assert 'Report the exported files' not in results

    # The demo's workflow handles the failure, reports files and the failure, and succeeds.
    completed, results = playbook('demo.yml', emulator, '-e', json.dumps(
        {'task_ids': ['new-desktops', 'new-users', 'new-usage'], 'wait_sleep': 0.3}))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [why] = results['Show why wait_for_exports failed']
    assert why['msg'][1].startswith('Export task new-usage (file_name usage_202611.xlsx) ended FAIL: error_code WKS.00010017')
    [report] = results['Report the exports that were waited on']
    assert report['msg'][0].startswith('ready to download: desktops_20261128.xlsx (task new-desktops')
    assert report['msg'][2].startswith('FAIL: usage_202611.xlsx (task new-usage): WKS.00010017 The export file exceeds')
    assert emulator.secret_key not in completed.stdout + completed.stderr
