# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs at once into one directory, against a service that names every export file alike: no export's bytes are lost.

Concurrency is what YAML cannot arrange, so this is pytest: one ansible-playbook with several hosts (each a local
connection, run in parallel by its forks) saves a different export under the same name at the same step, round
after round. What is asserted holds whatever order the runs reach the directory in: exactly one run saves its file
there and reports it, the others fail before deleting anything, and the file on disk is the one reported.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import os
import sys

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

RUNS = 6
ROUNDS = 4

PLAY = '''
- hosts: run*
  gather_facts: false
  module_defaults:
    group/hwcloud.workspace.workspace: "{{ workspace }}"
  tasks:
    - name: at once
      block:
%s
      rescue:
        - name: failure
          ansible.builtin.set_fact:
            failure: "{{ ansible_failed_result.msg }}"

    - name: outcome
      ansible.builtin.debug:
        msg: "{{ {'host': inventory_hostname, 'result': result | default(none), 'failure': failure | default(none),
                  'fact': export_and_download_file | default(none)} }}"
'''

EXPORT_FILE = PLAY % '''        - name: download
          hwcloud.workspace.export_file:
            task_id: "{{ task_ids[inventory_hostname] }}"
            dest: "{{ dest }}/"
            force: "{{ force }}"
          register: result
'''

ROLE = PLAY % '''        - name: export
          ansible.builtin.include_role:
            name: hwcloud.workspace.export_and_download
          vars:
            export_and_download_kind: users
            export_and_download_dest: "{{ dest }}"
            export_and_download_delete: true
            export_and_download_sleep: 0.2
            hwcloud_workspace_endpoint: "{{ workspace.endpoint }}"
            hwcloud_workspace_project_id: "{{ workspace.project_id }}"
            hwcloud_workspace_access_key: "{{ workspace.access_key }}"
            hwcloud_workspace_secret_key: "{{ workspace.secret_key }}"
'''


def run_at_once(run_playbook, tmp_path, playbook, extra_vars):
    """The outcome of each host, by host name."""
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('\n'.join('run%d ansible_connection=local ansible_python_interpreter=%s' % (index, sys.executable)
                                   for index in range(RUNS)) + '\n')
    # run_playbook names localhost too; the play is for the run* hosts only.
    run = run_playbook(playbook, extra_vars, args=['-i', str(inventory), '--forks', str(RUNS)])
    outcomes = dict((result['msg']['host'], result['msg']) for result in run.results.get('outcome', []))
    assert sorted(outcomes) == ['run%d' % index for index in range(RUNS)], run.stdout + run.stderr
    return outcomes


def sha256(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_export_file_runs_at_once_never_replace_each_others_file(emulator_factory, run_playbook, tmp_path):
    emulator = emulator_factory(seed={'tasks': [{'task_id': 'same-%d' % index, 'file_name': 'report.csv'}
                                                for index in range(RUNS)]})
    task_ids = dict(('run%d' % index, 'same-%d' % index) for index in range(RUNS))
    for round_number in range(ROUNDS):
        dest = tmp_path / ('round%d' % round_number)
        dest.mkdir()
        outcomes = run_at_once(run_playbook, tmp_path, EXPORT_FILE, dict(
            workspace=connection_vars(emulator), dest=str(dest), task_ids=task_ids, force=False))
        saved = [outcome for outcome in outcomes.values() if outcome['failure'] is None]
        assert len(saved) == 1, json.dumps(outcomes, indent=1)
        winner = saved[0]['result']
        assert winner['changed'] is True and winner['dest'] == str(dest / 'report.csv')
        assert sha256(winner['dest']) == winner['checksum'] == hashlib.sha256(emulator.file_bytes(winner['task_id'])).hexdigest()
        for host, outcome in outcomes.items():
            if outcome is not saved[0]:
                assert task_ids[host] in outcome['failure'] and 'already exists' in outcome['failure']
        assert os.listdir(str(dest)) == ['report.csv']


def test_forced_export_file_runs_at_once_leave_one_whole_export_file(emulator_factory, run_playbook, tmp_path):
    """With force every run may replace the file (each export can still be downloaded): the one left is whole, the
    file of the export its record names."""
    emulator = emulator_factory(seed={'tasks': [{'task_id': 'same-%d' % index, 'file_name': 'report.csv'}
                                                for index in range(RUNS)]})
    task_ids = dict(('run%d' % index, 'same-%d' % index) for index in range(RUNS))
    for round_number in range(ROUNDS):
        dest = tmp_path / ('round%d' % round_number)
        dest.mkdir()
        outcomes = run_at_once(run_playbook, tmp_path, EXPORT_FILE, dict(
            workspace=connection_vars(emulator), dest=str(dest), task_ids=task_ids, force=True))
        assert all(outcome['failure'] is None for outcome in outcomes.values()), json.dumps(outcomes, indent=1)
        record = json.loads(os.getxattr(str(dest / 'report.csv'), 'user.hwcloud.workspace.export'))
        assert sha256(str(dest / 'report.csv')) == record['sha256'] \
            == hashlib.sha256(emulator.file_bytes(record['task_id'])).hexdigest()
        assert os.listdir(str(dest)) == ['report.csv']


def test_role_runs_at_once_keep_every_exports_bytes(emulator_factory, run_playbook, tmp_path):
    emulator = emulator_factory(export_delay=0.2)
    emulator.export_settings(file_name='report.csv', file_format='csv')  # every export named alike
    for round_number in range(ROUNDS):
        dest = tmp_path / ('round%d' % round_number)
        dest.mkdir()
        outcomes = run_at_once(run_playbook, tmp_path, ROLE, dict(workspace=connection_vars(emulator), dest=str(dest)))
        saved = [outcome['fact'] for outcome in outcomes.values() if outcome['failure'] is None]
        assert len(saved) == 1, json.dumps(outcomes, indent=1)
        winner = saved[0]
        # Its file is on disk as its fact says, and its task is deleted.
        assert winner['path'] == str(dest / 'report.csv') and sha256(winner['path']) == winner['checksum']
        kept = [task['task_id'] for task in emulator.tasks()]
        assert winner['task_id'] not in kept
        # Every other export failed before its task was deleted: its bytes are still in the service.
        failures = [outcome['failure'] for outcome in outcomes.values() if outcome['failure'] is not None]
        assert len(failures) == RUNS - 1
        for failure in failures:
            named = [task_id for task_id in kept if 'Export task %s was not deleted' % task_id in failure]
            assert len(named) == 1 and 'export_and_download_dest' in failure, failure
        assert os.listdir(str(dest)) == ['report.csv']
