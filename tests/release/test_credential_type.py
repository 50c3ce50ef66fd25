# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Automation Platform credential type (extensions/aap/credential_type.yml): its injectors set the collection's
own environment variables, under names whose values AWX hides in a job's recorded environment; rendered as the
controller renders them (tools/ee.py), they are all a playbook needs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import CONNECTION_ENV, SECRET_OPTIONS
from tools import ee
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

ROOT = ee.ROOT
AWX_SENSITIVE_NAME = re.compile('API|TOKEN|KEY|SECRET|PASS')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')


def credential_type():
    with open(ee.CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def test_each_field_is_injected_as_its_options_hw_environment_variable():
    declared = credential_type()
    fields = dict((field['id'], field) for field in declared['inputs']['fields'])
    assert set(fields) <= set(CONNECTION_ENV)
    expected = dict((name, '{{ %s }}' % option) for option in fields for name in CONNECTION_ENV[option]
                    if name.startswith('HW_'))
    assert declared['injectors'] == {'env': expected}
    assert set(option for option, field in fields.items() if field.get('secret')) == set(SECRET_OPTIONS) & set(fields)
    for option in SECRET_OPTIONS:
        for name in expected:
            if expected[name] == '{{ %s }}' % option:
                assert AWX_SENSITIVE_NAME.search(name), name
    assert declared['inputs']['required'] == ['region'] and declared['kind'] == 'cloud'


def test_an_empty_field_is_injected_empty_and_unknown_or_missing_inputs_are_refused():
    environment, extra_vars = ee.inject_credential({'auth_token': 'token', 'region': 'cn-north-4'})
    assert environment['HW_AUTH_TOKEN'] == 'token' and environment['HW_ACCESS_KEY'] == '' and extra_vars == {}
    with pytest.raises(ee.HarnessError, match='required inputs'):
        ee.inject_credential({'access_key': 'ak'})
    with pytest.raises(ee.HarnessError, match='not fields'):
        ee.inject_credential({'region': 'cn-north-4', 'password': 'x'})


@pytest.mark.parametrize('kind', ['temporary AK/SK', 'IAM token'])
def test_a_playbook_runs_with_nothing_but_the_injected_environment(kind, tmp_path):
    with EmulatorProcess(seed={'tasks': [{'task_id': 'done', 'file_name': 'users.xlsx', 'status': 'SUCCESS'}]}) as emulator:
        inputs = {'region': emulator.region, 'endpoint': emulator.url, 'iam_endpoint': emulator.url}
        if kind == 'IAM token':
            inputs['auth_token'] = emulator.token
        else:
            inputs.update(access_key=emulator.access_key, secret_key=emulator.secret_key, security_token=emulator.token)
        injected, extra_vars = ee.inject_credential(inputs)
        environment = without_cloud_credentials(os.environ)
        environment.update(injected)
        environment.update({'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS, 'ANSIBLE_NOCOLOR': '1', 'HOME': str(tmp_path)})
        completed = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'inventory/localhost.yml',
             'playbooks/list_export_tasks.yml', '-vvv'], cwd=ROOT, env=environment, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
        requests = emulator.requests_log()
    assert completed.returncode == 0, completed.stdout
    assert extra_vars == {}
    assert '1 export task(s): 1 SUCCESS' in completed.stdout and 'users.xlsx' in completed.stdout
    assert {entry['auth'] for entry in requests} == ({'token'} if kind == 'IAM token' else {'aksk'}), requests
    for secret in (emulator.secret_key, emulator.token):
        assert secret not in completed.stdout
