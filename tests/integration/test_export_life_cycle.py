# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, for what the targets role_export_and_download and export_task cannot check: what the role's play
prints, and a start whose answer trickles in past its timeout.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

# Play variables that connect the role to the emulator given by emulator_vars().
ROLE_CONNECTION = '''    hwcloud_workspace_endpoint: "{{ emulator.url }}"
    hwcloud_workspace_project_id: "{{ emulator.project_id }}"
    hwcloud_workspace_access_key: "{{ emulator.access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator.secret_key }}"
'''
# The same connection as module_defaults of the action group, for plays of the modules.
GROUP_CONNECTION = '''  module_defaults:
    group/hwcloud.workspace.workspace:
      endpoint: "{{ emulator.url }}"
      project_id: "{{ emulator.project_id }}"
      access_key: "{{ emulator.access_key }}"
      secret_key: "{{ emulator.secret_key }}"
'''

ROLE_PLAY = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + ROLE_CONNECTION + '''  tasks:
    - name: export
      ansible.builtin.include_role:
        name: hwcloud.workspace.export_and_download
      vars:
        export_and_download_kind: "{{ kind }}"
        export_and_download_parameters: "{{ parameters }}"
        export_and_download_dest: "{{ dest }}"
        export_and_download_delete: "{{ delete }}"
        export_and_download_sleep: 0.5
        export_and_download_timeout: 60

    - name: fact
      ansible.builtin.debug:
        var: export_and_download_file
'''


def emulator_vars(emulator, **extra):
    variables = {'emulator': dict(url=emulator.url, project_id=emulator.project_id, access_key=emulator.access_key,
                                  secret_key=emulator.secret_key)}
    variables.update(extra)
    return variables


def role_vars(emulator, dest, kind='desktops', parameters=None, delete=True):
    return emulator_vars(emulator, dest=str(dest), kind=kind, parameters=parameters or {}, delete=delete)


@pytest.fixture
def dest(tmp_path):
    """An empty directory for the downloads (tmp_path also holds the test's playbooks)."""
    directory = tmp_path / 'downloads'
    directory.mkdir()
    return directory


def test_role_exports_waits_and_downloads_quietly(emulator_factory, run_playbook, dest):
    """What the play prints at default verbosity, here through a redirect to object storage (the target
    role_export_and_download checks the file, the start, the task and object storage's requests): nothing skipped, no
    internal variable, no secret, and the deletion it was not asked for named by its task, unchanged."""
    emulator = emulator_factory(export_delay=1.5)
    emulator.export_settings(download='redirect')
    run = run_playbook(ROLE_PLAY, role_vars(emulator, dest, parameters={'status': 'ACTIVE'}, delete=False))
    assert run.rc == 0, run.stdout + run.stderr
    task_id = run.result('fact')['export_and_download_file']['task_id']
    assert 'skipping:' not in run.stdout and 'export_and_download__' not in run.stdout
    assert emulator.secret_key not in run.stdout + run.stderr
    assert run.result('Delete the export task when export_and_download_delete is true, task %s' % task_id)['changed'] \
        is False


START_ONLY_PLAY = '''
- hosts: localhost
  gather_facts: false
''' + GROUP_CONNECTION + '''  tasks:
    - name: start
      hwcloud.workspace.export_task:
        kind: desktops
        timeout: 1
      ignore_errors: true
'''


def test_a_start_is_not_repeated_when_its_answer_is_lost(emulator_factory, run_playbook):
    """The answer trickles in past the start's timeout of 1 s (a closed connection is the target export_task's)."""
    emulator = emulator_factory()
    emulator.inject({'trickle': 1, 'interval_ms': 2000})
    run = run_playbook(START_ONLY_PLAY, emulator_vars(emulator))
    result = run.result('start')
    assert result['_outcome'] == 'failed' and '/v3/%s/desktops/export' % emulator.project_id in result['msg']
    # The export runs in the service although its ID never came back: a change, and the message says to look first.
    assert result['changed'] is True and result['task_id'] is None and 'may have been started' in result['msg']
    starts = [entry for entry in emulator.wait_for_requests(1) if entry['path'].endswith('/desktops/export')]
    assert len(starts) == 1 and len(emulator.tasks()) == 1
