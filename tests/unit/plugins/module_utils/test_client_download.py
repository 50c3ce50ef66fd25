# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transport of downloads against real local servers: bodies saved as sent, bounded reads, a failed proxy
named, and one warning (not urllib3's, per request) without certificate checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import gzip
import os
import socket
import ssl
import threading
import warnings
import zlib

import pytest
import trustme

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import FILE_READ_CHUNK, WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import INSECURE_WARNING, resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceTransportError
from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import RetryPolicy

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, MemorySink, ScriptedServer

PROXY_PASSWORD = 'proxy-password-value'
PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY')


def make_client(url, **options):
    settings = dict(endpoint=url, project_id='proj', access_key='AK1', secret_key='SK-secret', retries=1, timeout=5)
    settings.update(options)
    return WorkspaceClient(resolve_connection(settings, environ={}), sleep=lambda seconds: None,
                           retry_policy=RetryPolicy(1, rng=lambda: 0.5))


class RecordingSink(MemorySink):
    """Keeps the bytes and the size of every chunk it was given."""

    def __init__(self):
        super(RecordingSink, self).__init__()
        self.chunk_sizes = []

    def write(self, chunk):
        self.chunk_sizes.append(len(chunk))
        super(RecordingSink, self).write(chunk)


# --- A body is saved as sent ---------------------------------------------------------------------------------

@pytest.mark.parametrize('encoding', ['gzip', 'deflate'])
def test_a_compressed_file_is_saved_as_sent_never_inflated(server, encoding):
    content = b'desk-1,ACTIVE\r\n' * 100000  # 1.5 MB that compress to a few kB
    sent = gzip.compress(content) if encoding == 'gzip' else zlib.compress(content)
    server.queue.append(Answer(200, raw=sent, headers={'Content-Type': 'text/csv', 'Content-Encoding': encoding}))
    sink = MemorySink()
    with make_client(server.url) as client:
        client.download(server.url, '/v2/proj/export-tasks/t1/download', sink)
    assert bytes(sink.data) == sent and len(sent) < len(content) // 100
    assert server.requests[0]['headers']['Accept-Encoding'] == 'identity'


def test_a_compressed_file_from_object_storage_is_saved_as_sent(server):
    sent = gzip.compress(b'a,b\r\n' * 50000)
    server.queue += [Answer(302, raw=b'', headers={'Location': server.url + '/bucket/f.csv?Signature=s'}),
                     Answer(200, raw=sent, headers={'Content-Encoding': 'gzip'})]
    sink = MemorySink()
    with make_client(server.url) as client:
        client.download(server.url, '/v2/proj/export-tasks/t1/download', sink)
    assert bytes(sink.data) == sent


def test_a_compressed_json_answer_of_the_api_is_still_read(server):
    body = gzip.compress(b'{"export_tasks": [], "count": 0}')
    server.queue.append(Answer(200, raw=body, headers={'Content-Type': 'application/json', 'Content-Encoding': 'gzip'}))
    with make_client(server.url) as client:
        assert client.request('GET', server.url, '/v2/proj/export-tasks') == {'export_tasks': [], 'count': 0}


def test_every_chunk_of_a_file_is_at_most_one_read(server):
    content = os.urandom(256 * 1024) * 24  # 6 MiB, in pieces the server sends as fast as it can
    server.queue.append(Answer(200, raw=content, headers={'Content-Type': 'application/octet-stream'}))
    sink = RecordingSink()
    with make_client(server.url) as client:
        client.download(server.url, '/v2/proj/export-tasks/t1/download', sink)
    assert bytes(sink.data) == content
    assert sum(sink.chunk_sizes) == len(content) and max(sink.chunk_sizes) <= FILE_READ_CHUNK


# --- A proxy that fails is named ------------------------------------------------------------------------------

def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxy_environment(monkeypatch):
    """set(variable, value): proxy variables as a user's shell has them (lower-case ones removed)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch.setenv


class RefusingProxy:
    """A proxy that answers every request (a CONNECT too) with 407."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.requests = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, dummy = self.sock.accept()
            except OSError:
                return
            with connection:
                received = b''
                while b'\r\n\r\n' not in received:
                    piece = connection.recv(4096)
                    if not piece:
                        break
                    received += piece
                self.requests.append(received.split(b'\r\n', 1)[0])
                connection.sendall(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\n'
                                   b'Content-Length: 0\r\nConnection: close\r\n\r\n')

    def close(self):
        self.sock.close()


@pytest.mark.parametrize('scheme, variable', [('http', 'HTTP_PROXY'), ('https', 'HTTPS_PROXY'), ('https', 'ALL_PROXY')])
def test_a_proxy_that_is_down_is_named_without_its_credentials(proxy_environment, scheme, variable):
    proxy = '127.0.0.1:%d' % closed_port()
    proxy_environment(variable, 'http://someone:%s@%s' % (PROXY_PASSWORD, proxy))
    endpoint = '%s://workspace.cn-north-4.example.invalid' % scheme
    with make_client(endpoint) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.download(endpoint, '/v2/proj/export-tasks/t1/download', MemorySink())
    message = str(caught.value)
    assert message.startswith('GET %s/v2/proj/export-tasks/t1/download failed after 2 attempt(s): the proxy '
                              'http://%s failed (set by HTTPS_PROXY, HTTP_PROXY or ALL_PROXY' % (endpoint, proxy)), message
    assert 'Connection refused' in message
    assert PROXY_PASSWORD not in message and 'someone' not in message


def test_a_proxy_that_refuses_the_tunnel_is_named(proxy_environment):
    proxy = RefusingProxy()
    try:
        proxy_environment('HTTPS_PROXY', proxy.url)
        with make_client('https://workspace.cn-north-4.example.invalid') as client:
            with pytest.raises(WorkspaceTransportError) as caught:
                client.request('GET', 'https://workspace.cn-north-4.example.invalid', '/v2/proj/export-tasks')
    finally:
        proxy.close()
    assert 'the proxy %s failed' % proxy.url in str(caught.value)
    assert '407 Proxy Authentication Required' in str(caught.value)
    # HTTP/1.0 or 1.1, as the installed urllib3 writes it
    assert proxy.requests[0].startswith(b'CONNECT workspace.cn-north-4.example.invalid:443 HTTP/1.')


def test_a_host_in_no_proxy_is_reached_directly_and_a_failure_names_no_proxy(proxy_environment):
    port = closed_port()
    proxy_environment('HTTP_PROXY', 'http://127.0.0.1:%d' % closed_port())
    proxy_environment('NO_PROXY', '127.0.0.1')
    url = 'http://127.0.0.1:%d' % port
    with make_client(url) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', url, '/x')
    assert 'proxy' not in str(caught.value) and 'Connection refused' in str(caught.value)


# --- validate_certs: false warns once --------------------------------------------------------------------------

@pytest.fixture
def https_server():
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(u'127.0.0.1').configure_cert(context)
    scripted = ScriptedServer(ssl_context=context)
    yield scripted
    scripted.close()


def test_without_certificate_checks_the_connection_warns_once_and_urllib3_not_at_all(https_server):
    https_server.queue += [Answer(200, {'export_tasks': [], 'count': 0})] * 3 + [
        Answer(200, raw=b'a,b\n', headers={'Content-Type': 'text/csv'})]
    connection = resolve_connection(dict(endpoint=https_server.url, project_id='proj', access_key='AK1',
                                         secret_key='SK-secret', validate_certs=False), environ={})
    assert connection.warnings == [INSECURE_WARNING]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')  # as urllib3 sets for its security warnings: each would be shown
        with WorkspaceClient(connection) as client:
            for dummy in range(3):
                client.request('GET', https_server.url, '/v2/proj/export-tasks')
            sink = MemorySink()
            client.download(https_server.url, '/v2/proj/export-tasks/t1/download', sink)
    assert bytes(sink.data) == b'a,b\n'
    assert [str(warning.message) for warning in caught] == []


def test_with_certificate_checks_there_is_no_warning():
    connection = resolve_connection(dict(endpoint='https://127.0.0.1:1', project_id='proj', access_key='AK1',
                                         secret_key='SK-secret'), environ={})
    assert connection.warnings == []
