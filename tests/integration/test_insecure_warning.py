# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""validate_certs: false against the HTTPS emulator: one Ansible warning per task, never urllib3's per request.

YAML cannot see what ansible-playbook prints on stderr (urllib3's InsecureRequestWarning, or ansible-core's notice
that a worker "errantly sent data to stderr"), so this is pytest: real runs in the controller (the action plugins)
and with the modules shipped, each task sending several requests without certificate checks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import INSECURE_WARNING

PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.workspace.workspace:
      validate_certs: false
  tasks:
    - name: module
      hwcloud.workspace.export_task_info:
        task_ids: [secure-1, secure-2]

    - name: download
      hwcloud.workspace.export_file:
        task_id: secure-1
        dest: "{{ dest }}/"

    - name: lookup
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', validate_certs=false, query='[].task_id') }}"
'''


@pytest.fixture
def secure(emulator_factory):
    emulator = emulator_factory(tls=True, seed={'tasks': [{'task_id': 'secure-1', 'file_name': 'secure-1.csv'},
                                                          {'task_id': 'secure-2', 'file_name': 'secure-2.csv'}]})
    emulator.export_settings(download='redirect')  # the file comes from object storage: one more HTTPS host
    return emulator


@pytest.mark.parametrize('connection', ['local', 'shipped'])
def test_validate_certs_false_warns_once_per_task_and_urllib3_never(run_playbook, secure, tmp_path, connection):
    environment = secure.user_environment({})
    del environment['HUAWEICLOUD_SDK_CA_PATH']
    run = run_playbook(PLAYBOOK, extra_vars={'dest': str(tmp_path)}, env=environment, connection=connection)
    output = run.stdout + run.stderr
    assert run.rc == 0, output
    assert (tmp_path / 'secure-1.csv').read_bytes() == secure.file_bytes('secure-1')
    assert run.result('lookup')['msg'] == ['secure-1', 'secure-2']
    for task in ('module', 'download'):
        assert run.result(task)['warnings'] == [INSECURE_WARNING], run.result(task)
    # More than one request per task went out unverified (IAM, listings, the download, object storage).
    assert len(secure.requests_log()) >= 5 and len(secure.storage_requests()) == 1
    assert 'Unverified HTTPS request' not in output and 'InsecureRequestWarning' not in output
    assert 'errantly' not in output
    # Shown as Ansible warnings (ansible-core shows one warning text once), never once per request.
    assert 1 <= output.count('validate_certs is false') <= 3, output
