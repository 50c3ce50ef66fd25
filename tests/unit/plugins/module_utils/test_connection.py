# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Credentials and connection settings: option > environment > profile file, and clear errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import (
    CONNECTION_ENV,
    connection_argument_spec,
    resolve_connection,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError

PROFILE = '''[basic]
ak = PROFILEAK
sk = profile-secret
project_id = profileproject
iam_endpoint = https://iam.example.test
'''


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / 'credentials'
    path.write_text(PROFILE)
    return {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(path)}


def module_params(monkeypatch, environ, **params):
    """What AnsibleModule's argument spec makes of params and environ (env_fallback included)."""
    for name in [n for names in CONNECTION_ENV.values() for n in names]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = connection_argument_spec()
    validator = ArgumentSpecValidator(spec)
    result = validator.validate(params)
    assert not result.error_messages
    return result.validated_parameters


def test_option_wins_over_environment(monkeypatch):
    params = module_params(monkeypatch, {'HUAWEICLOUD_SDK_AK': 'ENVAK', 'HUAWEICLOUD_SDK_SK': 'envsk'},
                           access_key='OPTAK', secret_key='optsk', region='cn-north-4')
    conn = resolve_connection(params, environ={})
    assert (conn.access_key, conn.secret_key) == ('OPTAK', 'optsk')


def test_sdk_variables_win_over_hw_variables(monkeypatch):
    params = module_params(monkeypatch, {'HUAWEICLOUD_SDK_AK': 'SDKAK', 'HW_ACCESS_KEY': 'HWAK',
                                         'HUAWEICLOUD_SDK_SK': 'sdksk', 'HW_SECRET_KEY': 'hwsk',
                                         'HW_REGION_NAME': 'ap-southeast-1', 'HUAWEICLOUD_SDK_REGION': 'cn-north-4'})
    conn = resolve_connection(params, environ={})
    assert (conn.access_key, conn.secret_key, conn.region) == ('SDKAK', 'sdksk', 'cn-north-4')


def test_hw_variables_are_used_alone(monkeypatch):
    params = module_params(monkeypatch, {'HW_ACCESS_KEY': 'HWAK', 'HW_SECRET_KEY': 'hwsk', 'HW_REGION_NAME': 'eu-west-101',
                                         'HW_PROJECT_ID': 'p1', 'HW_WORKSPACE_ENDPOINT': 'http://127.0.0.1:1/'})
    conn = resolve_connection(params, environ={})
    assert (conn.access_key, conn.region, conn.project_id, conn.endpoint) == ('HWAK', 'eu-west-101', 'p1', 'http://127.0.0.1:1')
    assert conn.iam_endpoint == 'https://iam.eu-west-101.myhuaweicloud.com'


def test_environment_wins_over_profile(monkeypatch, profile):
    params = module_params(monkeypatch, {'HW_AUTH_TOKEN': 'tok'}, region='cn-north-4')
    conn = resolve_connection(params, environ=profile)
    assert conn.auth_token == 'tok' and conn.access_key is None and conn.project_id is None


def test_profile_file_when_nothing_else(monkeypatch, profile):
    params = module_params(monkeypatch, {}, region='cn-north-4')
    conn = resolve_connection(params, environ=profile)
    assert (conn.access_key, conn.secret_key, conn.project_id, conn.iam_endpoint) == (
        'PROFILEAK', 'profile-secret', 'profileproject', 'https://iam.example.test')


def test_profile_does_not_override_given_project(monkeypatch, profile):
    params = module_params(monkeypatch, {}, region='cn-north-4', project_id='given')
    assert resolve_connection(params, environ=profile).project_id == 'given'


def test_default_profile_location_is_home(monkeypatch, tmp_path):
    (tmp_path / '.huaweicloud').mkdir()
    (tmp_path / '.huaweicloud' / 'credentials').write_text(PROFILE)
    monkeypatch.setenv('HOME', str(tmp_path))
    conn = resolve_connection({'region': 'cn-north-4'}, environ={})
    assert conn.access_key == 'PROFILEAK'


def test_defaults_from_region():
    conn = resolve_connection({'region': 'cn-north-4', 'auth_token': 't'}, environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': '/nonexistent'})
    assert conn.endpoint == 'https://workspace.cn-north-4.myhuaweicloud.com'
    assert conn.iam_endpoint == 'https://iam.cn-north-4.myhuaweicloud.com'
    assert conn.validate_certs is True and conn.timeout == 30.0 and conn.retries == 4


NO_PROFILE = {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': os.devnull + '.missing'}


@pytest.mark.parametrize('options, words', [
    ({'region': 'r'}, ['No credentials', 'access_key', 'secret_key', 'auth_token']),
    ({'region': 'r', 'access_key': 'a', 'secret_key': 's', 'auth_token': 't'}, ['auth_token', 'mutually exclusive']),
    ({'region': 'r', 'security_token': 'x', 'auth_token': 't'}, ['auth_token', 'security_token']),
    ({'region': 'r', 'access_key': 'a'}, ['secret_key']),
    ({'region': 'r', 'secret_key': 's'}, ['access_key']),
    ({'access_key': 'a', 'secret_key': 's'}, ['region', 'endpoint']),
    ({'access_key': 'a', 'secret_key': 's', 'endpoint': 'https://x'}, ['project_id', 'region']),
    ({'access_key': 'a', 'secret_key': 's', 'endpoint': 'ftp://x', 'project_id': 'p'}, ['endpoint', 'http']),
    ({'access_key': 'a', 'secret_key': 's', 'region': 'r', 'iam_endpoint': 'x'}, ['iam_endpoint']),
    ({'access_key': 'a', 'secret_key': 's', 'region': 'r', 'timeout': 0}, ['timeout']),
    ({'access_key': 'a', 'secret_key': 's', 'region': 'r', 'retries': -1}, ['retries']),
])
def test_bad_settings_name_the_option(options, words):
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(options, environ=NO_PROFILE)
    for word in words:
        assert word in str(caught.value)


def test_secrets_stay_out_of_repr_and_errors():
    conn = resolve_connection({'region': 'r', 'access_key': 'a', 'secret_key': 'TOPSECRET', 'security_token': 'TOKSECRET'},
                              environ=NO_PROFILE)
    assert 'TOPSECRET' not in repr(conn) and 'TOKSECRET' not in repr(conn)
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection({'region': 'r', 'secret_key': 'TOPSECRET', 'auth_token': 'TOKSECRET'}, environ=NO_PROFILE)
    assert 'TOPSECRET' not in str(caught.value) and 'TOKSECRET' not in str(caught.value)


def test_argument_spec_marks_secrets_no_log():
    spec = connection_argument_spec()
    assert [name for name, option in spec.items() if option.get('no_log')] == ['secret_key', 'security_token', 'auth_token']
    assert spec['access_key']['no_log'] is False
