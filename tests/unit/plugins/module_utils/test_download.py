# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""DownloadExportFile in its three shapes, against real local servers; streaming to a temporary file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import subprocess
import sys
import threading
import tracemalloc

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils import _download, _links
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import (
    FILE_READ_CHUNK,
    PROGRESS_BYTES,
    WorkspaceClient,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._download import (
    TEMP_SUFFIX,
    WRITEBACK_BYTES,
    TempFile,
    downloaded,
    parse_checksum,
    read_record,
    safe_file_name,
    write_record,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceLocalError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._throttle import Throttle
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, ScriptedServer

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
    return Workspace(WorkspaceClient(resolve_connection(settings, environ={}), sleep=lambda seconds: None), 'proj')


def download(workspace, tmp_path, task_id='t1', name='export.csv'):
    with downloaded(workspace, task_id, str(tmp_path), name) as temp:
        with open(temp.path, 'rb') as handle:
            return handle.read(), temp.size, temp.sha256, temp.path


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


@pytest.mark.parametrize('body', [
    b'{"file": "none"}',  # a JSON object without a link
    b'["https://example.com/a"]',  # JSON, but not an object
    b'{"download_url": "https://example.com/a"' + b' ' * (64 * 1024),  # starts like a link document, longer than one
    b'{' * 20000 + b'}' * 20000,  # nested deeper than the reader takes
    b'  \n\x00PK\x03\x04 not JSON',
])
@pytest.mark.parametrize('content_type', ['application/json;charset=UTF-8', 'application/octet-stream'])
def test_a_body_that_is_not_a_link_document_is_the_file_whatever_its_label(server, tmp_path, body, content_type):
    server.queue.append(Answer(200, raw=body, headers={'Content-Type': content_type}))
    with make_client(server.url) as client:
        content, size, digest = download(client, tmp_path)[:3]
    assert (content, size, digest) == (body, len(body), hashlib.sha256(body).hexdigest())
    assert len(server.requests) == 1


def test_a_link_document_is_a_link_whatever_its_label(server, storage, tmp_path):
    server.queue.append(Answer(200, raw=b' {"url": "%s/bucket/t1.csv"}' % storage.url.encode(),
                               headers={'Content-Type': 'text/plain'}))
    storage.queue.append(file_answer())
    with make_client(server.url) as client:
        assert download(client, tmp_path)[0] == CONTENT
    assert len(storage.requests) == 1


def test_the_file_labelled_json_is_saved_as_it_came(server, tmp_path):
    # A gateway labels every answer of an API that "produces: application/json"; the xlsx is still the file.
    server.queue.append(Answer(200, raw=CONTENT * 50000, headers={'Content-Type': 'application/json'}))
    with make_client(server.url) as client:
        assert download(client, tmp_path)[0] == CONTENT * 50000


def test_an_api_error_names_status_and_code(server, tmp_path):
    server.queue.append(Answer(404, {'error_code': 'WKS.00010004', 'error_msg': 'no such task'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            download(client, tmp_path, 'ghost')
    assert caught.value.status == 404 and caught.value.error_code == 'WKS.00010004'


def test_object_storage_refusing_fails_without_showing_the_signature(server, storage, tmp_path):
    server.queue.append(Answer(302, raw=b'', headers={'Location': storage.url + '/bucket/x?Signature=s3cr3t'}))
    storage.default = lambda request: Answer(403, raw=b'<Error><Code>AccessDenied</Code>'
                                                      b'<SignatureProvided>s3cr3t</SignatureProvided></Error>',
                                             headers={'Content-Type': 'application/xml'})
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            download(client, tmp_path)
    assert caught.value.status == 403 and 's3cr3t' not in str(caught.value)
    assert caught.value.error_code == 'AccessDenied' and os.listdir(str(tmp_path)) == []


def test_a_body_cut_short_every_time_leaves_no_file_and_counts_the_bytes(server, tmp_path):
    cut = Answer(200, raw=CONTENT * 100, headers={'Content-Type': 'text/csv'}, cut=len(CONTENT) * 3)
    server.queue += [cut, cut]
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            download(client, tmp_path)
    assert 'failed after 2 attempt(s): the connection broke after %d bytes' % (len(CONTENT) * 3) in str(caught.value)
    assert os.listdir(str(tmp_path)) == [] and len(server.requests) == 2


@pytest.mark.parametrize('chunked', [False, True])
def test_a_body_cut_short_is_downloaded_again_from_its_start(server, tmp_path, chunked):
    body = CONTENT * 100
    server.queue += [Answer(200, raw=body, headers={'Content-Type': 'text/csv'}, cut=1000, chunked=chunked),
                     Answer(200, raw=body, headers={'Content-Type': 'text/csv'}, chunked=chunked)]
    with make_client(server.url) as client:
        content, size, digest, dummy = download(client, tmp_path)
    assert (content, size, digest) == (body, len(body), hashlib.sha256(body).hexdigest())
    assert len(server.requests) == 2


def test_a_link_whose_body_is_cut_is_fetched_again_not_the_workspace_request(server, storage, tmp_path):
    server.queue.append(Answer(200, {'download_url': storage.url + '/bucket/t1.csv?Expires=1'}))
    body = CONTENT * 100
    storage.queue += [Answer(200, raw=body, headers={'Content-Type': 'text/csv'}, cut=100), file_answer(body)]
    with make_client(server.url) as client:
        assert download(client, tmp_path)[0] == body
    assert len(server.requests) == 1 and len(storage.requests) == 2


def test_a_stalled_body_fails_after_the_timeout_without_a_retry_and_leaves_nothing(server, tmp_path):
    server.queue += [Answer(200, raw=CONTENT, headers={'Content-Type': 'text/csv'}, stall=3), file_answer()]
    with make_client(server.url, timeout=0.5, retries=3) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            download(client, tmp_path)
    assert 'the download stalled: less than %d KiB arrived in 0.5 s (timeout) after 0 bytes' % (PROGRESS_BYTES // 1024) \
        in str(caught.value)
    assert not caught.value.retryable and len(server.requests) == 1 and os.listdir(str(tmp_path)) == []


def test_a_trickled_body_fails_like_a_stalled_one(server, tmp_path):
    server.queue.append(Answer(200, raw=CONTENT * 3, headers={'Content-Type': 'text/csv'}, trickle=0.05))
    with make_client(server.url, timeout=0.5) as client:
        with pytest.raises(WorkspaceTransportError, match='the download stalled'):
            download(client, tmp_path)
    assert os.listdir(str(tmp_path)) == []


def test_a_slow_body_that_keeps_bringing_chunks_is_not_cut(server, tmp_path):
    """timeout bounds each wait for the next 64 KiB, not the whole body: 8 s of body with timeout 1 s."""
    body = os.urandom(PROGRESS_BYTES) * 4
    server.queue.append(Answer(200, raw=body, headers={'Content-Type': 'application/octet-stream'}, pace=(PROGRESS_BYTES, 0.3)))
    with make_client(server.url, timeout=1) as client:
        assert download(client, tmp_path)[0] == body


def test_a_429_from_object_storage_holds_back_every_request_of_the_run(server, storage, tmp_path):
    server.queue.append(Answer(200, {'download_url': storage.url + '/bucket/t1.csv?Expires=1'}))
    storage.queue += [Answer(429, raw=b'<Error><Code>SlowDown</Code></Error>', headers={'Retry-After': '0.2'}),
                      file_answer()]
    with make_client(server.url, concurrency=4) as client:
        assert download(client, tmp_path)[0] == CONTENT
        throttle = client.client.throttle
    assert isinstance(throttle, Throttle) and throttle.limit == 2


def test_memory_stays_flat_for_a_large_file(server, tmp_path):
    content = os.urandom(1024 * 1024) * 48  # 48 MiB, made before measuring
    server.queue.append(Answer(200, raw=content, headers={'Content-Type': 'application/octet-stream'}))
    with make_client(server.url) as client:
        tracemalloc.start()
        try:
            with downloaded(client, 't1', str(tmp_path), 'big.bin') as temp:
                peak = tracemalloc.get_traced_memory()[1]
                on_disk = os.path.getsize(temp.path)
        finally:
            tracemalloc.stop()
    assert temp.size == on_disk == len(content) and temp.sha256 == hashlib.sha256(content).hexdigest()
    assert peak < 8 * 1024 * 1024


class _OpenedFiles:
    """The paths this thread opens while it is on (os.open and open alike, through the 'open' audit event).

    An audit hook cannot be removed: one hook serves every test, and records only while a test has it on.
    """

    _local = threading.local()
    _installed = False

    @classmethod
    def recording(cls):
        if not cls._installed:
            sys.addaudithook(cls._hook)
            cls._installed = True
        cls._local.opened = []
        return cls._local.opened

    @classmethod
    def stop(cls):
        cls._local.opened = None

    @classmethod
    def _hook(cls, event, arguments):
        opened = getattr(cls._local, 'opened', None)
        if event == 'open' and opened is not None and isinstance(arguments[0], (str, bytes, os.PathLike)):
            opened.append((os.fsdecode(arguments[0]), arguments[1], arguments[2]))


def test_the_file_is_hashed_while_written_and_never_read_back(server, tmp_path):
    content = os.urandom(1024 * 1024) * (WRITEBACK_BYTES // (1024 * 1024) * 2 + 3)  # past the writeback mark twice
    server.queue.append(Answer(200, raw=content, headers={'Content-Type': 'application/octet-stream'}))
    with make_client(server.url) as client:
        opened = _OpenedFiles.recording()
        try:
            with downloaded(client, 't1', str(tmp_path), 'big.bin') as temp:
                size, sha256 = temp.size, temp.sha256
                opened_by_download = list(opened)
        finally:
            _OpenedFiles.stop()
    assert size == len(content) and sha256 == hashlib.sha256(content).hexdigest()
    # The temporary file was opened once, to create it (mkstemp: O_CREAT | O_EXCL): never again to read and hash it.
    temporary = [entry for entry in opened_by_download if entry[0].endswith(TEMP_SUFFIX)]
    assert len(temporary) == 1 and temporary[0][2] & os.O_CREAT and temporary[0][2] & os.O_EXCL, opened_by_download


def test_the_disk_is_asked_to_write_each_part_once_while_the_rest_arrives(server, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(_download, '_sync_file_range', lambda handle, offset, length, flags: started.append((offset, length)))
    content = os.urandom(1024 * 1024) * (WRITEBACK_BYTES // (1024 * 1024) * 3 + 1)
    server.queue.append(Answer(200, raw=content, headers={'Content-Type': 'application/octet-stream'}))
    with make_client(server.url) as client:
        with downloaded(client, 't1', str(tmp_path), 'big.bin') as temp:
            assert temp.size == len(content)
    # In order, without gaps or overlaps, each part at least WRITEBACK_BYTES and less than one read more, and less
    # than WRITEBACK_BYTES left after the last. How many parts depends on how the socket's reads cut the body (a read
    # returns what has arrived, up to FILE_READ_CHUNK): 25 MiB make two or three.
    offsets = [sum(length for dummy, length in started[:index]) for index in range(len(started))]
    assert [offset for offset, dummy in started] == offsets
    assert all(WRITEBACK_BYTES <= length < WRITEBACK_BYTES + FILE_READ_CHUNK for dummy, length in started), started
    assert len(content) - sum(length for dummy, length in started) < WRITEBACK_BYTES and len(started) in (2, 3), started


def test_checksum_option():
    digest = hashlib.sha256(b'x').hexdigest()
    assert parse_checksum('sha256:' + digest.upper()) == digest and parse_checksum(None) is None
    for bad in (digest, 'md5:' + digest, 'sha256:' + digest[:-1]):
        with pytest.raises(WorkspaceConfigError, match='sha256:<64 hexadecimal digits>'):
            parse_checksum(bad)


@pytest.mark.parametrize('name', ['../x.csv', 'a/b.csv', 'a\\b.csv', '..', '.', '', None, 'x\x00.csv',
                                  'report\n.csv', 'report\r.csv', '\x1b[2Jreport.csv', 'report\x7f.csv',
                                  'report\x9b.csv', 'x' * 256])
def test_a_file_name_that_could_leave_the_directory_or_reach_the_terminal_is_refused(name):
    with pytest.raises(WorkspaceConfigError, match='not a plain file name'):
        safe_file_name(name, 't1')


@pytest.mark.parametrize('name', ['desktops_20261128.xlsx', 'report..v2.xlsx', 'x..csv', '.hidden.csv',
                                  'Desktops-\u5217\u8868.xlsx', 'y' * 250])
def test_a_plain_file_name_is_kept(name):
    assert safe_file_name(name, 't1') == name


def test_a_name_of_250_characters_gets_a_temporary_file_of_legal_length(tmp_path):
    sink = TempFile(str(tmp_path), 'y' * 245 + '.xlsx')
    try:
        assert len(os.path.basename(sink.path).encode()) <= 255 and sink.path.endswith('.part')
    finally:
        sink.close()
    assert os.listdir(str(tmp_path)) == []


@pytest.fixture
def unwritable_directory(tmp_path):
    """A directory this process cannot create files in (root ignores modes: /sys refuses even root)."""
    if os.geteuid() != 0:
        tmp_path.chmod(0o500)
        yield str(tmp_path)
        tmp_path.chmod(0o700)
        return
    yield '/sys'


def test_an_unwritable_directory_is_named_with_the_system_error(unwritable_directory):
    with pytest.raises(WorkspaceLocalError) as caught:
        TempFile(unwritable_directory, 'x.csv')
    assert str(caught.value).startswith('Cannot create a file in the directory %s: ' % unwritable_directory)
    assert 'denied' in str(caught.value) or 'not permitted' in str(caught.value)


def test_a_local_write_error_names_the_path_not_the_network(server, tmp_path):
    """A file size limit (as ulimit -f sets, like a full disk) in a child process: the download's message."""
    server.queue.append(Answer(200, raw=b'x' * (3 * 1024 * 1024), headers={'Content-Type': 'application/octet-stream'}))
    code = '''if True:
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024 * 1024, 2 * 1024 * 1024))
        sys.path[:0] = %r
        from ansible_collections.hwcloud.workspace.tests.unit.plugins.module_utils import test_download
        from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceLocalError
        try:
            test_download.download(test_download.make_client(%r), %r)
        except WorkspaceLocalError as exc:
            print(exc)
    ''' % (sys.path, server.url, str(tmp_path))
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.startswith('Cannot write %s/.export.csv.' % tmp_path) and 'File too large' in done.stdout, done
    assert os.listdir(str(tmp_path)) == []


def test_the_record_of_a_saved_file_names_its_task(tmp_path):
    path = tmp_path / 'f.csv'
    path.write_bytes(CONTENT)
    assert read_record(str(path)) is None
    write_record(str(path), 't1', 'ab' * 32)
    assert read_record(str(path)) == ('t1', 'ab' * 32)


@pytest.mark.parametrize('location, came_from, endpoint, refused', [
    ('https://obs.example.com/b/f?Signature=s', 'https://ws.example.com/d', 'https://ws.example.com', None),
    ('/b/f', 'https://ws.example.com/d', 'https://ws.example.com', None),
    ('http://obs.example.com/b/f?Signature=s', 'https://ws.example.com/d', 'https://ws.example.com', 'downgrade'),
    ('https://127.0.0.1/latest/meta-data/?x=1', 'https://ws.example.com/d', 'https://ws.example.com', 'loopback'),
    ('http://169.254.169.254/latest/meta-data', 'http://ws.example.com/d', 'http://ws.example.com', 'link-local'),
    ('http://[::1]:80/x', 'http://ws.example.com/d', 'http://ws.example.com', 'loopback'),
    ('http://[::ffff:127.0.0.1]/x', 'http://ws.example.com/d', 'http://ws.example.com', 'loopback'),
    ('http://localhost:8080/x', 'http://ws.example.com/d', 'http://ws.example.com', 'loopback'),
    ('http://0.0.0.0/x', 'http://ws.example.com/d', 'http://ws.example.com', 'loopback'),
    ('http://127.0.0.2:9/f', 'http://127.0.0.1:8/d', 'http://127.0.0.1:8', None),
    ('ftp://obs.example.com/f', 'https://ws.example.com/d', 'https://ws.example.com', 'not an http(s) URL'),
    ('https://user:pw@obs.example.com/f', 'https://ws.example.com/d', 'https://ws.example.com', 'user name'),
    ('http://[::1/x', 'https://ws.example.com/d', 'https://ws.example.com', 'not a valid URL'),
])
def test_the_link_policy(location, came_from, endpoint, refused):
    if refused is None:
        assert _links.follow(location, came_from, endpoint).endswith(location.split('/', 3)[-1])
        return
    with pytest.raises(_links.RefusedLink) as caught:
        _links.follow(location, came_from, endpoint)
    assert refused in str(caught.value) and 'Signature' not in str(caught.value) and 'pw' not in str(caught.value)


def test_a_refused_link_is_never_requested(server, storage, tmp_path):
    server.queue.append(Answer(200, {'download_url': 'ftp://%s:%d/x' % (storage.host, storage.port)}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError, match='the download link is refused'):
            download(client, tmp_path)
    assert storage.requests == [] and os.listdir(str(tmp_path)) == []
