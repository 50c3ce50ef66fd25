# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Credentials and connection settings: option > environment > profile file, and clear errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import (
    CONNECTION_ENV,
    connection_argument_spec,
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


# --- Inputs that build the URL ------------------------------------------------------------------------------

AKSK = dict(access_key='AK1', secret_key='sk-value')


@pytest.mark.parametrize('option, value', [
    ('project_id', '../../v3/projects'), ('project_id', 'a/b'), ('project_id', 'p?x=1'), ('project_id', 'p q'),
    ('region', 'x@127.0.0.1:1/'), ('region', 'cn-north-4.evil.example'), ('region', 'r#'), ('region', u'régión'),
])
def test_region_and_project_id_hold_only_name_characters(server, option, value):
    options = dict(AKSK, region='cn-north-4', endpoint=server.url, project_id='proj')
    options[option] = value
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(options, environ=NO_PROFILE)
    assert str(caught.value).startswith('%s may hold only letters, digits, "-" and "_"' % option)
    assert server.requests == []


def test_a_region_cannot_point_the_default_endpoint_at_another_host(server):
    # Without the check, https://workspace.x@127.0.0.1:PORT/.myhuaweicloud.com sent the token to PORT.
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(dict(auth_token='iam-token', region='x@127.0.0.1:%d/' % server.port), environ=NO_PROFILE)
    assert 'region' in str(caught.value) and 'iam-token' not in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
def test_userinfo_in_an_endpoint_is_refused_without_printing_it(option):
    options = dict(AKSK, region='cn-north-4')
    options[option] = 'https://admin:hunter2-password@workspace.example.test'
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(options, environ=NO_PROFILE)
    assert option in str(caught.value) and 'user name or password' in str(caught.value)
    assert 'hunter2' not in str(caught.value) and 'admin' not in str(caught.value)


@pytest.mark.parametrize('value', ['https://h/?a=1', 'https://h#frag', 'https://h/p?', 'ftp://h', 'https://', 'h',
                                   'https://h:99999', 'https://h:port', 'https://[::1', 'https://h/a b',
                                   'https://bad_host!'])
def test_endpoints_must_be_scheme_host_port_path(value):
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(dict(AKSK, project_id='p', endpoint=value), environ=NO_PROFILE)
    assert str(caught.value).startswith('endpoint must be an http(s)://host[:port][/path] URL')


@pytest.mark.parametrize('value, expected', [
    ('HTTPS://Workspace.Example.test:8443/base/', 'https://Workspace.Example.test:8443/base'),
    ('Http://127.0.0.1:8080', 'http://127.0.0.1:8080'), ('https://[::1]:8443/', 'https://[::1]:8443'),
])
def test_endpoint_scheme_is_case_insensitive(value, expected):
    assert resolve_connection(dict(AKSK, project_id='p', endpoint=value), environ=NO_PROFILE).endpoint == expected


@pytest.mark.parametrize('value', [float('nan'), float('inf'), float('-inf'), 'nan', 'inf', 0, -1, 'soon', None])
def test_timeout_is_a_finite_number_of_seconds(value):
    options = dict(AKSK, region='r', timeout=value) if value is not None else dict(AKSK, region='r', timeout='')
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(options, environ=NO_PROFILE)
    assert str(caught.value).startswith('timeout must be a finite number of seconds, more than 0')


@pytest.mark.parametrize('value, words', [(0, ['from 1 to 32', 'got 0']), (33, ['from 1 to 32']), (2.5, ['whole number']),
                                          ('x', ['whole number'])])
def test_concurrency_is_1_to_32(value, words):
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(dict(AKSK, region='r', concurrency=value), environ=NO_PROFILE)
    assert str(caught.value).startswith('concurrency must be')
    for word in words:
        assert word in str(caught.value)


def test_concurrency_and_ca_path_reach_the_connection(monkeypatch, tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('-----BEGIN CERTIFICATE-----\n')
    params = module_params(monkeypatch, {'HW_CA_PATH': str(bundle)}, region='r', concurrency=3, **AKSK)
    conn = resolve_connection(params, environ=NO_PROFILE)
    assert (conn.ca_path, conn.concurrency, conn.verify) == (str(bundle), 3, str(bundle))
    assert resolve_connection(dict(params, validate_certs=False), environ=NO_PROFILE).verify is False
    assert resolve_connection(dict(AKSK, region='r'), environ=NO_PROFILE).concurrency == 8
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(dict(AKSK, region='r', ca_path=str(tmp_path / 'missing.pem')), environ=NO_PROFILE)
    assert str(caught.value).startswith('ca_path must name a CA bundle file')


def test_sdk_ca_variable_wins(monkeypatch):
    params = module_params(monkeypatch, {'HW_CA_PATH': '/hw.pem', 'HUAWEICLOUD_SDK_CA_PATH': '/sdk.pem'}, region='r')
    assert params['ca_path'] == '/sdk.pem'


# --- Secrets as given -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('option', ['secret_key', 'security_token', 'auth_token'])
def test_surrounding_white_space_of_secrets_is_removed(option):
    options = dict(AKSK, region='r') if option != 'auth_token' else dict(region='r')
    options[option] = '  value-of-%s\n' % option
    conn = resolve_connection(options, environ=NO_PROFILE)
    assert getattr(conn, option) == 'value-of-%s' % option


@pytest.mark.parametrize('option', ['security_token', 'auth_token'])
@pytest.mark.parametrize('separator', ['\n', ' ', u'\u00e9', '\t', '\x00'])
def test_a_token_that_cannot_be_a_header_is_refused_without_showing_it(option, separator):
    options = dict(AKSK, region='r') if option != 'auth_token' else dict(region='r')
    options[option] = 'TOKENPART' + separator + 'TOKENPART'
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(options, environ=NO_PROFILE)
    message = str(caught.value)
    assert message.startswith('%s holds a character that cannot be sent in an HTTP header' % option)
    assert 'not shown' in message and 'TOKENPART' not in message


# --- The credentials file -------------------------------------------------------------------------------------

def write_profile(tmp_path, data, mode=0o600):
    path = tmp_path / 'credentials'
    path.write_bytes(data)
    path.chmod(mode)
    return {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(path)}


def test_profile_with_a_byte_order_mark(tmp_path):
    environ = write_profile(tmp_path, b'\xef\xbb\xbf' + PROFILE.encode('utf-8'))
    conn = resolve_connection({'region': 'cn-north-4'}, environ=environ)
    assert (conn.access_key, conn.secret_key) == ('PROFILEAK', 'profile-secret') and conn.warnings == []


def test_profile_readable_by_others_gives_a_warning(tmp_path):
    environ = write_profile(tmp_path, PROFILE.encode('utf-8'), mode=0o644)
    conn = resolve_connection({'region': 'cn-north-4'}, environ=environ)
    assert conn.access_key == 'PROFILEAK'
    assert conn.warnings == ['The credentials file %s is readable by group or others (mode 0644): restrict it with '
                             'chmod 600' % environ['HUAWEICLOUD_SDK_CREDENTIALS_FILE']]


def test_profile_that_is_not_utf8_is_an_error_naming_it(tmp_path):
    environ = write_profile(tmp_path, b'[basic]\nak = \xff\xfe\n')
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection({'region': 'cn-north-4'}, environ=environ)
    assert str(caught.value) == 'Cannot read the credentials file %s: it is not UTF-8 text' % (
        environ['HUAWEICLOUD_SDK_CREDENTIALS_FILE'])


def test_profile_that_cannot_be_read_is_an_error_naming_it(tmp_path):
    directory = tmp_path / 'credentials'
    directory.mkdir()
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection({'region': 'cn-north-4'}, environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(directory)})
    assert str(caught.value) == 'Cannot read the credentials file %s: Is a directory' % directory


def test_profile_syntax_error_does_not_quote_the_file(tmp_path):
    environ = write_profile(tmp_path, b'sk = secret-outside-any-section\n')
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection({'region': 'cn-north-4'}, environ=environ)
    assert 'secret-outside' not in str(caught.value) and 'credentials' in str(caught.value)


def test_every_test_runs_without_the_connection_environment():
    # tests/conftest.py removes them, so that a developer's shell cannot reach a real cloud from a test.
    assert not [name for name in os.environ if name.startswith(('HUAWEICLOUD_', 'HW_'))]


def test_a_request_timeout_past_a_day_is_refused_before_any_request():
    with pytest.raises(WorkspaceConfigError) as caught:
        resolve_connection(dict(AKSK, region='r', timeout=1e10), environ=NO_PROFILE)
    assert str(caught.value) == 'timeout must be at most 86400 seconds, got 10000000000.0'
    assert resolve_connection(dict(AKSK, region='r', timeout=86400), environ=NO_PROFILE).timeout == 86400.0
