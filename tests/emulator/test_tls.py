# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""HTTPS: --tls-cert/--tls-key, and EmulatorProcess(tls=True) with a throw-away CA at .ca_path."""

import subprocess
import sys

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkworkspace.v2 import ListExportTasksRequest, WorkspaceClient

from tools.workspace_emulator.testing import REPOSITORY_ROOT, EmulatorProcess


@pytest.fixture(scope='module')
def secure():
    with EmulatorProcess(tls=True, seed={'tasks': [{'task_id': 'secure-task', 'file_name': 'secure.csv'}]}) as emulator:
        yield emulator


@pytest.fixture
def session():
    with requests.Session() as plain:
        plain.trust_env = False
        yield plain


def test_both_listeners_serve_https_with_a_certificate_of_the_throw_away_ca(secure, session):
    assert secure.url.startswith('https://127.0.0.1:') and secure.storage_url.startswith('https://127.0.0.2:')
    response = session.get(secure.url + '/v2/%s/export-tasks' % secure.project_id, headers={'X-Auth-Token': secure.token},
                           verify=secure.ca_path, timeout=10)
    assert response.status_code == 200 and response.json()['count'] == 1
    assert secure.user_environment({})['HUAWEICLOUD_SDK_CA_PATH'] == secure.ca_path


def test_a_client_that_does_not_trust_the_ca_fails_the_handshake_and_the_emulator_goes_on(secure, session):
    with pytest.raises(requests.exceptions.SSLError):
        session.get(secure.url + '/v2/%s/export-tasks' % secure.project_id, headers={'X-Auth-Token': secure.token}, timeout=10)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(secure.url.replace('https://', 'http://') + '/v2/%s/export-tasks' % secure.project_id, timeout=10)
    assert secure.tasks()[0]['task_id'] == 'secure-task'


def test_redirected_download_goes_to_https_object_storage(secure, session):
    secure.export_settings(download='redirect')
    response = session.get(secure.url + '/v2/%s/export-tasks/secure-task/download' % secure.project_id,
                           headers={'X-Auth-Token': secure.token}, verify=secure.ca_path, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers['Location'].startswith(secure.storage_url + '/')
    stored = session.get(response.headers['Location'], verify=secure.ca_path, timeout=10)
    assert stored.status_code == 200 and stored.content == secure.file_bytes('secure-task')


def test_the_official_sdk_verifies_the_emulator_with_the_ca_file(secure):
    config = HttpConfig.get_default_config()
    config.timeout = 10
    config.ssl_ca_cert = secure.ca_path
    credentials = BasicCredentials(secure.access_key, secure.secret_key, secure.project_id)
    client = WorkspaceClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([secure.url]).build()
    assert client.list_export_tasks(ListExportTasksRequest()).count == 1


@pytest.mark.parametrize('arguments, message', [
    (['--tls-cert', 'cert.pem'], '--tls-cert and --tls-key go together'),
    (['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.pem'], 'cannot load --tls-cert/--tls-key'),
])
def test_bad_tls_options_exit_with_status_2(arguments, message):
    result = subprocess.run([sys.executable, '-m', 'tools.workspace_emulator'] + arguments, cwd=REPOSITORY_ROOT, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ''
