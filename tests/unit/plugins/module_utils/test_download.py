# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""DownloadExportFile in its three shapes, against real local servers; streaming to a temporary file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import tracemalloc

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._download import (
    open_export_file,
    parse_checksum,
    safe_file_name,
    save_to_temp,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.tests.unit.http_server import Answer, ScriptedServer

CONTENT = b'computer_name,status\r\ndesk-1,ACTIVE\r\n'
CREDENTIAL_HEADERS = ('Authorization', 'X-Auth-Token', 'X-Security-Token', 'X-Project-Id', 'X-Sdk-Date')


@pytest.fixture
def storage():
    """A second server standing for object storage."""
    scripted = ScriptedServer(host='127.0.0.2')
    yield scripted
    scripted.close()


def make_client(url, **options):
    settings = dict(endpoint=url, project_id='proj', access_key='AK', secret_key='SK-secret', retries=1, timeout=5)
    settings.update(options)
    return WorkspaceClient(resolve_connection(settings, environ={}), sleep=lambda seconds: None)


def download(client, tmp_path, task_id='t1'):
    temp_path, size, digest = save_to_temp(open_export_file(client, task_id), str(tmp_path), 'export.csv')
    with open(temp_path, 'rb') as handle:
        return handle.read(), size, digest, temp_path


def file_answer(content=CONTENT):
    return Answer(200, raw=content, headers={'Content-Type': 'text/csv;charset=UTF-8'})


def test_the_file_itself(server, tmp_path):
    server.queue.append(file_answer())
    with make_client(server.url) as client:
        content, size, digest, temp_path = download(client, tmp_path)
    assert (content, size, digest) == (CONTENT, len(CONTENT), hashlib.sha256(CONTENT).hexdigest())
    assert os.path.dirname(temp_path) == str(tmp_path) and os.path.basename(temp_path).startswith('.export.csv.')
    assert server.requests[0]['path'] == '/v2/proj/export-tasks/t1/download'


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_a_redirect_is_followed_without_credentials(server, storage, tmp_path, status):
    server.queue.append(Answer(status, raw=b'', headers={'Location': storage.url + '/bucket/t1.csv?Signature=abc'}))
    storage.queue.append(file_answer())
    with make_client(server.url, security_token='sts-token') as client:
        content = download(client, tmp_path)[0]
    assert content == CONTENT
    request, = storage.requests
    assert request['path'] == '/bucket/t1.csv' and request['query'] == {'Signature': 'abc'}
    assert not set(CREDENTIAL_HEADERS) & set(request['headers'])
    assert 'Authorization' in server.requests[0]['headers']


def test_a_json_link_is_followed_without_credentials(server, storage, tmp_path):
    server.queue.append(Answer(200, {'download_url': storage.url + '/bucket/t1.csv?Expires=1'}))
    storage.queue.append(file_answer())
    with make_client(server.url, auth_token='iam-token', access_key=None, secret_key=None) as client:
        assert download(client, tmp_path)[0] == CONTENT
    assert not set(CREDENTIAL_HEADERS) & set(storage.requests[0]['headers'])
    assert server.requests[0]['headers']['X-Auth-Token'] == 'iam-token'


def test_json_without_a_link_fails(server, tmp_path):
    server.queue.append(Answer(200, {'file': 'none'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError, match='no link to the file'):
            open_export_file(client, 't1')


def test_an_api_error_names_status_and_code(server):
    server.queue.append(Answer(404, {'error_code': 'WKS.00010004', 'error_msg': 'no such task'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            open_export_file(client, 'ghost')
    assert caught.value.status == 404 and caught.value.error_code == 'WKS.00010004'


def test_object_storage_refusing_fails_without_showing_the_signature(server, storage):
    server.queue.append(Answer(302, raw=b'', headers={'Location': storage.url + '/bucket/x?Signature=s3cr3t'}))
    storage.default = lambda request: Answer(403, raw=b'<Error><Code>AccessDenied</Code></Error>',
                                             headers={'Content-Type': 'application/xml'})
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            open_export_file(client, 't1')
    assert caught.value.status == 403 and 's3cr3t' not in str(caught.value)


def test_a_body_cut_short_leaves_no_file(server, tmp_path):
    server.queue.append(Answer(200, raw=CONTENT * 100, headers={'Content-Type': 'text/csv'}, cut=len(CONTENT)))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceTransportError, match='broke off'):
            download(client, tmp_path)
    assert os.listdir(str(tmp_path)) == []


def test_memory_stays_flat_for_a_large_file(server, tmp_path):
    content = os.urandom(1024 * 1024) * 48  # 48 MiB, made before measuring
    server.queue.append(Answer(200, raw=content, headers={'Content-Type': 'application/octet-stream'}))
    with make_client(server.url) as client:
        tracemalloc.start()
        try:
            temp_path, size, digest = save_to_temp(open_export_file(client, 't1'), str(tmp_path), 'big.bin')
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert size == len(content) and digest == hashlib.sha256(content).hexdigest()
    assert os.path.getsize(temp_path) == len(content)
    assert peak < 8 * 1024 * 1024


def test_checksum_option():
    digest = hashlib.sha256(b'x').hexdigest()
    assert parse_checksum('sha256:' + digest.upper()) == digest and parse_checksum(None) is None
    for bad in (digest, 'md5:' + digest, 'sha256:' + digest[:-1]):
        with pytest.raises(WorkspaceConfigError, match='sha256:<64 hexadecimal digits>'):
            parse_checksum(bad)


@pytest.mark.parametrize('name', ['../x.csv', 'a/b.csv', 'a\\b.csv', '..', '.', '', None, 'x..csv'])
def test_a_file_name_that_could_leave_the_directory_is_refused(name):
    with pytest.raises(WorkspaceConfigError, match='not a plain file name'):
        safe_file_name(name, 't1')


def test_a_plain_file_name_is_kept():
    assert safe_file_name('desktops_20261128.xlsx', 't1') == 'desktops_20261128.xlsx'
