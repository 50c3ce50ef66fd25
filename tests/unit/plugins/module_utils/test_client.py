# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP client against a real local server: auth headers, retries, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import os
import socket

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.module_utils import _signing
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import COLLECTION_VERSION, USER_AGENT, WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceApiError, WorkspaceTransportError
from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import RetryPolicy, parse_retry_after

from ansible_collections.hwcloud.workspace.tests.unit.http_server import Answer

SECRET = 'super-secret-sk-value'
OK = Answer(200, {'export_tasks': [], 'count': 0})


class RecordingThrottle:
    """Stands in for the shared Throttle: records the back-offs the client asks for, without waiting."""

    def __init__(self):
        self.delays = []
        self.in_flight = 0

    @contextlib.contextmanager
    def slot(self, deadline=None):
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    def throttled(self, delay):
        self.delays.append(delay)


def make_client(url, sleeps, retries=4, throttle=None, **options):
    settings = dict(endpoint=url, project_id='proj', access_key='AK1', secret_key=SECRET, retries=retries, timeout=5)
    settings.update(options)
    return WorkspaceClient(resolve_connection(settings, environ={}), sleep=sleeps.append,
                           retry_policy=RetryPolicy(retries, rng=lambda: 0.5), throttle=throttle or RecordingThrottle())


def test_signed_request_verifies_and_carries_project_and_user_agent(server):
    server.queue.append(OK)
    with make_client(server.url, []) as client:
        client.get_json(server.url, '/v2/proj/export-tasks', [('status', 'SUCCESS'), ('is_download', False)], 'proj')
    request = server.requests[0]
    headers = request['headers']
    assert request['raw_query'] == 'is_download=false&status=SUCCESS'
    assert headers['X-Project-Id'] == 'proj'
    assert headers['User-Agent'] == USER_AGENT
    access, signed, signature = _signing.parse_authorization(headers['Authorization'])
    assert access == 'AK1' and signed == ['host', 'x-project-id', 'x-sdk-date']
    canonical = _signing.canonical_request('GET', request['path'], request['raw_query'], headers, signed,
                                           _signing.EMPTY_PAYLOAD_HASH)
    assert signature == _signing.signature(SECRET, headers['X-Sdk-Date'], canonical)


def test_security_token_is_sent_and_signed(server):
    server.queue.append(OK)
    with make_client(server.url, [], security_token='temp-token') as client:
        client.get_json(server.url, '/x', [], 'proj')
    headers = server.requests[0]['headers']
    assert headers['X-Security-Token'] == 'temp-token'
    assert 'x-security-token' in _signing.parse_authorization(headers['Authorization'])[1]


def test_token_auth_sends_token_and_no_signature(server):
    server.queue.append(OK)
    with make_client(server.url, [], access_key=None, secret_key=None, auth_token='iam-token') as client:
        client.get_json(server.url, '/x', [], 'proj')
    headers = server.requests[0]['headers']
    assert headers['X-Auth-Token'] == 'iam-token'
    assert 'Authorization' not in headers


def test_429_with_retry_after_then_success(server):
    server.queue += [Answer(429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled'}, {'Retry-After': '3'}),
                     Answer(429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled'}, {'Retry-After': '1'}), OK]
    sleeps, throttle = [], RecordingThrottle()
    with make_client(server.url, sleeps, throttle=throttle) as client:
        assert client.get_json(server.url, '/x', [], 'proj') == {'export_tasks': [], 'count': 0}
    # A 429 holds back every worker of the run (the shared throttle), not only this request.
    assert throttle.delays == [3.0, 1.0] and sleeps == []
    assert len(server.requests) == 3
    # Each attempt is signed anew.
    assert all('Authorization' in r['headers'] for r in server.requests)


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_5xx_backs_off_exponentially_with_jitter_and_a_cap(server, status):
    server.queue += [Answer(status, {'error_code': 'X', 'error_msg': 'busy'})] * 4 + [OK]
    sleeps = []
    with make_client(server.url, sleeps) as client:
        client.get_json(server.url, '/x', [], 'proj')
    # base 0.5, doubling, equal jitter at rng=0.5: 3/4 of each ceiling
    assert sleeps == [0.375, 0.75, 1.5, 3.0]


def test_backoff_is_capped():
    policy = RetryPolicy(20, rng=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 6, 7, 20)] == [0.5, 1.0, 16.0, 20.0, 20.0]
    assert policy.delay(21) is None


def test_gives_up_after_retries_with_the_last_error(server):
    server.queue += [Answer(503, {'error_code': 'WKS.503', 'error_msg': 'unavailable'}, {'X-Request-Id': 'r-%d' % n})
                     for n in range(3)]
    sleeps = []
    with make_client(server.url, sleeps, retries=2) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.get_json(server.url, '/x', [], 'proj')
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert caught.value.status == 503 and caught.value.request_id == 'r-2'
    assert 'gave up after 3 attempts' in str(caught.value)


@pytest.mark.parametrize('status', [400, 401, 403, 404])
def test_other_4xx_are_not_retried(server, status):
    server.queue.append(Answer(status, {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information'},
                               {'X-Request-Id': 'req-123'}))
    sleeps = []
    with make_client(server.url, sleeps) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.get_json(server.url, '/v2/proj/export-tasks', [('limit', 5)], 'proj')
    assert len(server.requests) == 1 and sleeps == []
    message = str(caught.value)
    assert message == ('GET %s/v2/proj/export-tasks?limit=5 failed with HTTP %d: error_code=APIGW.0301, '
                       'error_msg=Incorrect IAM authentication information, request_id=req-123' % (server.url, status))
    assert SECRET not in message


def test_dropped_connection_is_retried(server):
    server.queue += [Answer(drop=True), OK]
    sleeps = []
    with make_client(server.url, sleeps) as client:
        client.get_json(server.url, '/x', [], 'proj')
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_dropped_connections_are_reported_plainly(server):
    server.queue += [Answer(drop=True), Answer(drop=True)]
    with make_client(server.url, [], retries=1) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.get_json(server.url, '/x', [], 'proj')
    assert str(caught.value) == 'GET %s/x failed after 2 attempt(s): Remote end closed connection without response' % server.url


def test_read_timeout_is_retried_then_reported(server):
    server.queue += [Answer(delay=0.3), Answer(delay=0.3)]
    with make_client(server.url, [], retries=1, timeout=0.05) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.get_json(server.url, '/x', [], 'proj')
    assert len(server.requests) == 2
    assert str(caught.value) == 'GET %s/x failed after 2 attempt(s): timed out waiting for the answer (timeout 0.05 s)' % server.url


def test_connection_refused_is_retried_then_reported():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    url = 'http://127.0.0.1:%d' % port
    sleeps = []
    with make_client(url, sleeps, retries=3) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.get_json(url, '/x', [], 'proj')
    assert len(sleeps) == 3
    assert str(caught.value) == ('GET %s/x failed after 4 attempt(s): Failed to establish a new connection: '
                                 '[Errno 111] Connection refused' % url)


def test_non_json_success_body_is_a_clear_error(server):
    server.queue.append(Answer(200, raw=b'<html>gateway</html>', headers={'X-Request-Id': 'rid'}))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.get_json(server.url, '/x', [], 'proj')
    assert 'the answer is not a JSON object: <html>gateway</html>' in str(caught.value)
    assert caught.value.request_id == 'rid'


def test_non_json_error_body_is_quoted(server):
    server.queue.append(Answer(401, raw=b'Unauthorized'))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.get_json(server.url, '/x', [], 'proj')
    assert str(caught.value).endswith('failed with HTTP 401: body: Unauthorized')


def test_iam_error_shape_is_understood(server):
    server.queue.append(Answer(401, {'error': {'code': 401, 'message': 'The request you have made requires authentication.'}}))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.get_json(server.url, '/v3/projects', [('name', 'cn-north-4')])
    assert caught.value.error_code == '401'
    assert caught.value.error_msg == 'The request you have made requires authentication.'


def test_one_session_keeps_the_connection_alive(server):
    server.queue += [Answer(503, {'error_code': 'X', 'error_msg': 'busy'}), OK, OK, OK]
    with make_client(server.url, []) as client:
        for dummy in range(3):
            client.get_json(server.url, '/x', [], 'proj')
    assert len(server.requests) == 4
    # One TCP connection (one client port) for every request, retries included.
    assert len(set(request['client_port'] for request in server.requests)) == 1


@pytest.mark.parametrize('value, expected', [('5', 5.0), (' 2.5 ', 2.5), ('soon', None), (None, None),
                                             ('Sat, 28 Nov 2026 10:00:10 GMT', 10.0)])
def test_parse_retry_after(value, expected):
    now = 1795860000.0  # 2026-11-28T10:00:00Z
    assert parse_retry_after(value, now=now) == expected


def test_user_agent_names_the_released_version():
    galaxy = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        assert yaml.safe_load(handle)['version'] == COLLECTION_VERSION
    assert USER_AGENT == 'hwcloud.workspace/%s (Ansible collection)' % COLLECTION_VERSION
