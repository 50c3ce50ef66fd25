# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP client against a real local server: auth headers, retries, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import hashlib
import json
import os
import re
import socket
import ssl
import threading
import time

import pytest
import trustme
import yaml

from ansible_collections.hwcloud.workspace.plugins.module_utils import _signing
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import project_id_of
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import (
    COLLECTION_VERSION,
    MAX_ANSWER_BYTES,
    USER_AGENT,
    WorkspaceClient,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import Connection, resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceError,
    WorkspaceResultError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import RetryPolicy, parse_retry_after
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import MASK
from ansible_collections.hwcloud.workspace.plugins.module_utils._throttle import Throttle

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, MemorySink, ScriptedServer, make_task

SECRET = 'super-secret-sk-value'
OK = Answer(200, {'export_tasks': [], 'count': 0})
# The timeout of tests in which one answer times out and the retried one must come in time: 1 s is ample for a
# local answer on a loaded machine, and the answer that is to time out takes five times as long.
RETRIED_TIMEOUT = 1.0
AUTHORIZATION = re.compile(r'^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$')


def authorization_fields(value):
    """(access key, signed header names, signature) of the Authorization header the client sent."""
    access, signed, signature = AUTHORIZATION.match(value).groups()
    return access, signed.split(';'), signature


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
        client.request('GET', server.url, '/v2/proj/export-tasks', [('status', 'SUCCESS'), ('is_download', False)],
                       project_id='proj')
    request = server.requests[0]
    headers = request['headers']
    assert request['raw_query'] == 'is_download=false&status=SUCCESS'
    assert headers['X-Project-Id'] == 'proj'
    assert headers['User-Agent'] == USER_AGENT
    access, signed, signature = authorization_fields(headers['Authorization'])
    assert access == 'AK1' and signed == ['host', 'x-project-id', 'x-sdk-date']
    canonical = _signing.canonical_request('GET', request['path'], request['raw_query'], headers, signed,
                                           _signing.EMPTY_PAYLOAD_HASH)
    assert signature == _signing.signature(SECRET, headers['X-Sdk-Date'], canonical)


def test_security_token_is_sent_and_signed(server):
    server.queue.append(OK)
    with make_client(server.url, [], security_token='temp-token') as client:
        client.request('GET', server.url, '/x', [], 'proj')
    headers = server.requests[0]['headers']
    assert headers['X-Security-Token'] == 'temp-token'
    assert 'x-security-token' in authorization_fields(headers['Authorization'])[1]


def test_token_auth_sends_token_and_no_signature(server):
    server.queue.append(OK)
    with make_client(server.url, [], access_key=None, secret_key=None, auth_token='iam-token') as client:
        client.request('GET', server.url, '/x', [], 'proj')
    headers = server.requests[0]['headers']
    assert headers['X-Auth-Token'] == 'iam-token'
    assert 'Authorization' not in headers


def test_429_with_retry_after_then_success(server):
    server.queue += [Answer(429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled'}, {'Retry-After': '3'}),
                     Answer(429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled'}, {'Retry-After': '1'}), OK]
    sleeps, throttle = [], RecordingThrottle()
    with make_client(server.url, sleeps, throttle=throttle) as client:
        assert client.request('GET', server.url, '/x', [], 'proj') == {'export_tasks': [], 'count': 0}
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
        client.request('GET', server.url, '/x', [], 'proj')
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
            client.request('GET', server.url, '/x', [], 'proj')
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
            client.request('GET', server.url, '/v2/proj/export-tasks', [('limit', 5)], 'proj')
    assert len(server.requests) == 1 and sleeps == []
    message = str(caught.value)
    assert message == ('GET %s/v2/proj/export-tasks?limit=5 failed with HTTP %d: error_code=APIGW.0301, '
                       'error_msg=Incorrect IAM authentication information, request_id=req-123' % (server.url, status))
    assert SECRET not in message


def test_dropped_connection_is_retried(server):
    server.queue += [Answer(drop=True), OK]
    sleeps = []
    with make_client(server.url, sleeps) as client:
        client.request('GET', server.url, '/x', [], 'proj')
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_dropped_connections_are_reported_plainly(server):
    server.queue += [Answer(drop=True), Answer(drop=True)]
    with make_client(server.url, [], retries=1) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x', [], 'proj')
    assert str(caught.value) == 'GET %s/x failed after 2 attempt(s): Remote end closed connection without response' % server.url


def test_read_timeout_is_retried_then_reported(server):
    server.queue += [Answer(delay=0.3), Answer(delay=0.3)]
    with make_client(server.url, [], retries=1, timeout=0.05) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x', [], 'proj')
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
            client.request('GET', url, '/x', [], 'proj')
    assert len(sleeps) == 3
    assert str(caught.value) == ('GET %s/x failed after 4 attempt(s): Failed to establish a new connection: '
                                 '[Errno 111] Connection refused' % url)


def test_non_json_success_body_is_a_clear_error(server):
    server.queue.append(Answer(200, raw=b'<html>gateway</html>', headers={'X-Request-Id': 'rid'}))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.request('GET', server.url, '/x', [], 'proj')
    assert 'the answer is not a JSON object it can read: <html>gateway</html>' in str(caught.value)
    assert caught.value.request_id == 'rid'


def test_non_json_error_body_is_quoted(server):
    server.queue.append(Answer(401, raw=b'Unauthorized'))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.request('GET', server.url, '/x', [], 'proj')
    assert str(caught.value).endswith('failed with HTTP 401: body: Unauthorized')


def test_iam_error_shape_is_understood(server):
    server.queue.append(Answer(401, {'error': {'code': 401, 'message': 'The request you have made requires authentication.'}}))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.request('GET', server.url, '/v3/projects', [('name', 'cn-north-4')])
    assert caught.value.error_code == '401'
    assert caught.value.error_msg == 'The request you have made requires authentication.'


def test_one_session_keeps_the_connection_alive(server):
    server.queue += [Answer(503, {'error_code': 'X', 'error_msg': 'busy'}), OK, OK, OK]
    with make_client(server.url, []) as client:
        for dummy in range(3):
            client.request('GET', server.url, '/x', [], 'proj')
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


# --- Requests with a body, and which requests may be repeated ---------------------------------------------

def refused_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return 'http://127.0.0.1:%d' % sock.getsockname()[1]


def test_post_sends_the_sdks_json_body_signed(server):
    server.queue.append(Answer(200, {'task_id': 'new-task'}))
    body = {'user_names': ['alice', u'bö'], 'language': 'en-us'}
    with make_client(server.url, []) as client:
        assert client.request('POST', server.url, '/v3/proj/users/export', body=body, project_id='proj') == {
            'task_id': 'new-task'}
    request = server.requests[0]
    assert request['method'] == 'POST' and request['body'] == json.dumps(body).encode()
    assert request['headers']['Content-Type'] == 'application/json'
    access, signed, signature = authorization_fields(request['headers']['Authorization'])
    assert signed == ['content-type', 'host', 'x-project-id', 'x-sdk-date']
    canonical = _signing.canonical_request('POST', request['path'], request['raw_query'], request['headers'], signed,
                                           hashlib.sha256(request['body']).hexdigest())
    assert signature == _signing.signature(SECRET, request['headers']['X-Sdk-Date'], canonical)


def test_an_empty_success_body_is_an_empty_object(server):
    server.queue.append(Answer(200, raw=b''))
    with make_client(server.url, []) as client:
        assert client.request('POST', server.url, '/v2/proj/export-tasks/batch-delete', body={'task_ids': ['a']}) == {}


@pytest.mark.parametrize('answer', [Answer(delay=0.5), Answer(drop=True), Answer(200, raw=b'{"task_id": "abcdef"}', cut=5),
                                    Answer(500, {'error_code': 'X', 'error_msg': 'internal'}),
                                    Answer(502, {'error_code': 'X', 'error_msg': 'bad gateway'}),
                                    Answer(504, {'error_code': 'X', 'error_msg': 'gateway time-out'})],
                         ids=['read-timeout', 'drop', 'reset-mid-body', '500', '502', '504'])
def test_a_post_that_may_have_arrived_is_never_repeated(server, answer):
    server.queue += [answer, Answer(200, {'task_id': 'duplicate'})]
    sleeps = []
    with make_client(server.url, sleeps, timeout=0.2) as client:
        with pytest.raises(WorkspaceError) as caught:
            client.request('POST', server.url, '/v3/proj/users/export', body={'language': 'en-us'}, project_id='proj')
    assert len(server.requests) == 1 and sleeps == []  # one export started, not two
    assert server.url + '/v3/proj/users/export' in str(caught.value)


@pytest.mark.parametrize('answer', [Answer(delay=5 * RETRIED_TIMEOUT), Answer(drop=True), Answer(200, raw=b'{"count": 0}', cut=5),
                                    Answer(500, {'error_code': 'X', 'error_msg': 'internal'})],
                         ids=['read-timeout', 'drop', 'reset-mid-body', '500'])
def test_the_same_failures_are_retried_for_get(server, answer):
    server.queue += [answer, OK]
    with make_client(server.url, [], timeout=RETRIED_TIMEOUT) as client:
        assert client.request('GET', server.url, '/x', [], project_id='proj') == {'export_tasks': [], 'count': 0}
    assert len(server.requests) == 2


@pytest.mark.parametrize('status, headers', [(429, {}), (503, {}), (503, {'Retry-After': '2'})])
def test_a_post_the_service_did_not_act_on_is_retried(server, status, headers):
    server.queue += [Answer(status, {'error_code': 'APIGW.0308', 'error_msg': 'busy'}, headers),
                     Answer(200, {'task_id': 'only-one'})]
    with make_client(server.url, []) as client:
        assert client.request('POST', server.url, '/v3/proj/groups/export', body={}) == {'task_id': 'only-one'}
    assert [request['method'] for request in server.requests] == ['POST', 'POST']


def test_a_refused_post_is_retried_until_the_service_listens():
    url = refused_url()
    port = int(url.rsplit(':', 1)[1])
    started = []

    def start_server_while_waiting(delay):
        if not started:
            started.append(ScriptedServer(port=port))
            started[0].queue.append(Answer(200, {'task_id': 'created'}))

    client = WorkspaceClient(resolve_connection(dict(endpoint=url, project_id='proj', access_key='AK1', secret_key=SECRET),
                                                environ={}), sleep=start_server_while_waiting, throttle=RecordingThrottle())
    try:
        with client:
            assert client.request('POST', url, '/v3/proj/groups/export', body={'name': 'g'}) == {'task_id': 'created'}
        assert len(started[0].requests) == 1
    finally:
        started[0].close()


def test_a_post_can_be_declared_idempotent(server):
    server.queue += [Answer(drop=True), Answer(200, raw=b'')]
    with make_client(server.url, []) as client:
        client.request('POST', server.url, '/v2/proj/export-tasks/batch-delete', body={'task_ids': ['a']}, idempotent=True)
    assert len(server.requests) == 2


def test_a_deadline_that_passed_sends_nothing(server):
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x', deadline=time.monotonic() - 1)
    assert server.requests == [] and 'timed out' in str(caught.value)


def test_no_retry_wait_goes_beyond_the_deadline(server):
    server.queue += [Answer(503, {'error_code': 'X', 'error_msg': 'busy'}, {'Retry-After': '60'}), OK]
    throttle = RecordingThrottle()
    with make_client(server.url, [], throttle=throttle) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.request('GET', server.url, '/x', deadline=time.monotonic() + 5)
    assert len(server.requests) == 1 and throttle.delays == [] and caught.value.status == 503


def test_every_attempt_holds_a_throttle_slot(server):
    seen = []
    server.default = lambda request: (seen.append(throttle.in_flight), OK)[1]
    server.queue.append(Answer(502, {'error_code': 'X', 'error_msg': 'busy'}))
    throttle = RecordingThrottle()
    with make_client(server.url, [], throttle=throttle) as client:
        client.request('GET', server.url, '/x')
    assert len(server.requests) == 2 and seen == [1] and throttle.in_flight == 0


def test_concurrent_requests_share_the_pool_without_discarding_connections(server):
    concurrency = 16
    server.default = lambda request: Answer(200, {'count': 0}, delay=0.05)
    barrier = threading.Barrier(concurrency)
    errors = []
    with make_client(server.url, [], concurrency=concurrency) as client:
        def worker():
            try:
                for dummy in range(3):
                    barrier.wait()
                    client.request('GET', server.url, '/x')
            except Exception as exc:  # pylint: disable=broad-except
                errors.append(exc)
        threads = [threading.Thread(target=worker) for dummy in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [] and len(server.requests) == 3 * concurrency
    # A pool smaller than the concurrency would close connections and open new ones each round.
    assert len(set(request['client_port'] for request in server.requests)) <= concurrency


# --- Redirects, deadlines, size, broken answers -------------------------------------------------------------

@pytest.fixture
def other_host():
    """A second server on another loopback address, standing for "another host"."""
    scripted = ScriptedServer(host='127.0.0.2')
    scripted.default = lambda request: OK
    yield scripted
    scripted.close()


CREDENTIAL_HEADERS = ('X-Auth-Token', 'X-Security-Token', 'Authorization')


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
@pytest.mark.parametrize('auth', [dict(auth_token='iam-token-value', access_key=None, secret_key=None),
                                  dict(security_token='temporary-token-value')], ids=['token', 'aksk'])
def test_redirects_are_not_followed(server, other_host, status, auth):
    server.default = lambda request: Answer(status, raw=b'', headers={'Location': other_host.url + '/steal'})
    with make_client(server.url, [], **auth) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            client.request('GET', server.url, '/v2/proj/export-tasks', project_id='proj')
        with pytest.raises(WorkspaceApiError):
            client.request('POST', server.url, '/v3/proj/users/export', body={})
    assert other_host.requests == [] and len(server.requests) == 2
    message = str(caught.value)
    assert 'HTTP %d' % status in message and '127.0.0.2:%d' % other_host.port in message
    assert not caught.value.retryable


@pytest.mark.parametrize('status, location, shown', [
    (302, 'http://user:pass@127.0.0.2:1/x', 'HTTP 302: redirect to 127.0.0.2:1 not followed'),
    (300, 'http://[::1/x', 'HTTP 300: redirect to an invalid Location not followed'),
    (302, 'http://[::1/x', 'failed: ValueError: Invalid IPv6 URL'),
    (307, '/relative', 'HTTP 307: redirect to the same host not followed')])
def test_a_redirect_message_shows_only_the_host(server, status, location, shown):
    server.queue.append(Answer(status, raw=b'', headers={'Location': location}))
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceError) as caught:
            client.request('GET', server.url, '/x')
    assert shown in str(caught.value) and 'pass' not in str(caught.value) and not caught.value.retryable


def test_iam_redirect_is_not_followed(server, other_host):
    server.default = lambda request: Answer(302, raw=b'', headers={'Location': other_host.url + '/v3/projects'})
    connection = resolve_connection(dict(region='cn-north-4', endpoint=server.url, iam_endpoint=server.url,
                                         auth_token='iam-token-value'), environ={})
    with WorkspaceClient(connection, throttle=RecordingThrottle()) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            project_id_of(client)
    assert other_host.requests == [] and '127.0.0.2' in str(caught.value)


def test_a_trickled_body_fails_at_the_deadline(server):
    body = json.dumps({'export_tasks': [], 'count': 0, 'padding': 'x' * 200}).encode()
    server.queue += [Answer(200, raw=body, trickle=0.05), Answer(200, raw=body, trickle=0.05)]
    with make_client(server.url, [], retries=1, timeout=0.5) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x')
    assert len(server.requests) == 2 and caught.value.retryable
    assert str(caught.value).startswith('GET %s/x failed after 2 attempt(s): timed out reading the answer' % server.url)


def test_a_body_that_stalls_after_the_headers_times_out(server):
    server.queue += [Answer(200, {'count': 0}, stall=5 * RETRIED_TIMEOUT), OK]
    with make_client(server.url, [], timeout=RETRIED_TIMEOUT) as client:
        assert client.request('GET', server.url, '/x') == {'export_tasks': [], 'count': 0}
    assert len(server.requests) == 2


@pytest.mark.parametrize('answer', [Answer(200, raw=b'{}', content_length=33 * 1024 * 1024),
                                    Answer(200, generate=33 * 1024 * 1024),
                                    Answer(500, generate=33 * 1024 * 1024)],
                         ids=['announced', 'no-length', 'error-body'])
def test_answers_beyond_the_size_ceiling_fail_clearly(server, answer):
    server.queue.append(answer)
    with make_client(server.url, []) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x')
    assert len(server.requests) == 1 and not caught.value.retryable
    assert 'than the %d' % MAX_ANSWER_BYTES in str(caught.value)


def test_a_length_that_lies_low_cuts_the_body_instead_of_reading_on(server):
    server.queue.append(Answer(200, raw=b'{"count": 1}' + b' ' * 1000, content_length=12))
    with make_client(server.url, []) as client:
        assert client.request('GET', server.url, '/x') == {'count': 1}


def test_a_chunked_body_reset_midway_is_retried_for_get(server):
    server.queue += [Answer(200, raw=b'{"count": 0, "export_tasks": []}', chunked=True, cut=10), OK]
    with make_client(server.url, []) as client:
        assert client.request('GET', server.url, '/x')['count'] == 0
    assert len(server.requests) == 2


def test_a_chunked_body_reset_every_time_is_a_clean_error(server):
    server.default = lambda request: Answer(200, raw=b'{"count": 0, "export_tasks": []}', chunked=True, cut=10)
    with make_client(server.url, [], retries=1) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x')
    assert str(caught.value).startswith(
        'GET %s/x failed after 2 attempt(s): the connection broke after 10 bytes of the answer: ' % server.url)
    assert 'Traceback' not in str(caught.value)


@pytest.mark.parametrize('base_url', ['http://127.0.0.1:99999', 'http://[::1', 'http://127.0.0.1:1 2'])
def test_an_invalid_url_is_a_clean_error_naming_it(base_url):
    with make_client('http://127.0.0.1:1', []) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', base_url, '/x')
    assert str(caught.value).startswith('GET %s/x failed: ' % base_url) and not caught.value.retryable


def test_an_invalid_header_value_is_a_clean_error_without_the_value(server):
    # resolve_connection refuses such a token; a Connection built by hand must not leak it either.
    connection = Connection(server.url, None, None, 'proj', auth_token='tok\nen-secret-part')
    with WorkspaceClient(connection, throttle=RecordingThrottle()) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', server.url, '/x')
    assert 'secret-part' not in str(caught.value) and 'header' in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize('value', ['-5', 'nan', 'inf', '-inf', '0', 'Sat, 28 Nov 2020 10:00:10 GMT'])
def test_a_retry_after_that_is_no_wait_falls_back_to_the_backoff(server, value):
    server.queue += [Answer(503, {'error_code': 'X', 'error_msg': 'busy'}, {'Retry-After': value}), OK]
    sleeps, throttle = [], RecordingThrottle()
    with make_client(server.url, sleeps, throttle=throttle) as client:
        client.request('GET', server.url, '/x')
    assert sleeps == [0.375] and throttle.delays == []


def test_error_messages_and_fields_do_not_echo_the_secrets(server):
    token = 'ECHOED-TOKEN-0123456789'
    server.queue.append(Answer(401, {'error_code': 'APIGW.0301',
                                     'error_msg': 'bad token X-Auth-Token: %s' % token}))
    server.queue.append(Answer(400, raw=('<html>X-Auth-Token=%s</html>' % token).encode()))
    with make_client(server.url, [], auth_token=token + '\n', access_key=None, secret_key=None) as client:
        for dummy in range(2):
            with pytest.raises(WorkspaceApiError) as caught:
                client.request('GET', server.url, '/x')
            assert token not in str(caught.value) and token not in repr(caught.value.as_result())
            assert MASK in str(caught.value)
    # The token was sent without the newline of its YAML block scalar.
    assert server.requests[0]['headers']['X-Auth-Token'] == token


# --- TLS, the environment and object storage ----------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_ca():
    return trustme.CA()


@pytest.fixture
def https_server(tls_ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert(u'127.0.0.1').configure_cert(context)
    scripted = ScriptedServer(ssl_context=context)
    yield scripted
    scripted.close()


@pytest.fixture
def ca_file(tls_ca, tmp_path):
    path = tmp_path / 'ca.pem'
    tls_ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def unrelated_ca_file(tmp_path):
    path = tmp_path / 'unrelated-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def test_ca_path_verifies_the_endpoint_and_iam(https_server, ca_file):
    https_server.tasks = [make_task(1)]
    connection = resolve_connection(dict(region='cn-north-4', endpoint=https_server.url, iam_endpoint=https_server.url,
                                         access_key='AK1', secret_key=SECRET, ca_path=ca_file), environ={})
    with WorkspaceClient(connection, throttle=RecordingThrottle()) as client:
        project_id = project_id_of(client)
        assert client.request('GET', https_server.url, '/v2/proj/export-tasks', project_id=project_id)['count'] == 1
    assert [request['path'] for request in https_server.requests] == ['/v3/projects', '/v2/proj/export-tasks']


def test_an_untrusted_certificate_is_a_tls_error_not_retried(https_server, unrelated_ca_file):
    sleeps = []
    with make_client(https_server.url, sleeps, ca_path=unrelated_ca_file) as client:
        with pytest.raises(WorkspaceTransportError) as caught:
            client.request('GET', https_server.url, '/x')
    assert sleeps == [] and not caught.value.retryable
    assert 'TLS error' in str(caught.value) and 'CERTIFICATE_VERIFY_FAILED' in str(caught.value)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_validate_certs_false_wins_over_the_environment(https_server, unrelated_ca_file, monkeypatch, variable):
    monkeypatch.setenv(variable, unrelated_ca_file)
    https_server.queue += [OK, Answer(200, {'download_url': https_server.url + '/bucket/f.csv?X-Obs-Signature=sig'}),
                           Answer(200, raw=b'a,b\n', headers={'Content-Type': 'text/csv'})]
    sink = MemorySink()
    with make_client(https_server.url, [], validate_certs=False) as client:
        assert client.request('GET', https_server.url, '/v2/proj/export-tasks')['count'] == 0
        client.download(https_server.url, '/v2/proj/export-tasks/t1/download', sink)
    assert bytes(sink.data) == b'a,b\n'


def test_netrc_credentials_are_never_sent(server, other_host, tmp_path, monkeypatch):
    netrc = tmp_path / '.netrc'
    netrc.write_text('machine 127.0.0.1 login someone password netrc-password\n'
                     'machine 127.0.0.2 login someone password netrc-password\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    monkeypatch.setenv('HOME', str(tmp_path))
    server.default = lambda request: OK
    server.queue += [OK, Answer(302, raw=b'', headers={'Location': server.url + '/bucket/file.csv?Signature=s'}),
                     Answer(302, raw=b'', headers={'Location': other_host.url + '/bucket/file.csv'})]
    with make_client(server.url, [], auth_token='iam-token-value', access_key=None, secret_key=None) as client:
        client.request('GET', server.url, '/x')
        # A download link, and object storage's own redirect: followed, and still without any credential.
        client.download(server.url, '/v2/proj/export-tasks/t1/download', MemorySink())
    assert [request['headers'].get('Authorization') for request in server.requests + other_host.requests] == [None] * 4


def test_a_download_link_gets_no_credentials_and_its_query_is_never_shown(server):
    link = server.url + '/bucket/file.csv?Signature=obs-signature'
    error = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request '
             b'signature we calculated does not match.</Message><RequestId>0000018A</RequestId><SignatureProvided>'
             b'obs-signature</SignatureProvided><StringToSign>GET\n\n\n1700000000\n/bucket/file.csv</StringToSign>'
             b'</Error>')
    server.queue += [Answer(200, {'download_url': link}), Answer(200, raw=b'a,b\n1,2\n'),
                     Answer(200, {'download_url': link}), Answer(403, raw=error, headers={'Content-Type': 'application/xml'})]
    sink = MemorySink()
    with make_client(server.url, [], security_token='temporary-token-value') as client:
        client.download(server.url, '/v2/proj/export-tasks/t1/download', sink, project_id='proj')
        with pytest.raises(WorkspaceApiError) as caught:
            client.download(server.url, '/v2/proj/export-tasks/t1/download', MemorySink(), project_id='proj')
    assert bytes(sink.data) == b'a,b\n1,2\n'
    for request in server.requests[1::2]:
        assert not set(CREDENTIAL_HEADERS + ('X-Sdk-Date', 'X-Project-Id')) & set(request['headers'])
    message = str(caught.value)
    assert 'obs-signature' not in message and 'StringToSign' not in message and '/bucket/file.csv' in message
    assert 'SignatureDoesNotMatch' in message and 'request_id=0000018A' in message
    assert caught.value.status == 403 and caught.value.error_code == 'SignatureDoesNotMatch'


def test_errors_are_retryable_as_documented():
    assert WorkspaceApiError('GET', 'u', 429).retryable and WorkspaceApiError('GET', 'u', 502).retryable
    assert not any(WorkspaceApiError('GET', 'u', status).retryable for status in (302, 400, 401, 403, 404))
    assert not WorkspaceConfigError('x').retryable and WorkspaceConfigError('x').as_result() == {}
    failure = WorkspaceResultError('3 tasks still CREATING', creating_task_ids=['a'], export_tasks=[])
    assert str(failure) == '3 tasks still CREATING'
    assert failure.as_result() == {'creating_task_ids': ['a'], 'export_tasks': []} and not failure.retryable


def test_a_429_slows_down_every_worker_of_the_run(server):
    server.queue += [Answer(429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled'}, {'Retry-After': '0.1'}), OK]
    connection = resolve_connection(dict(endpoint=server.url, project_id='proj', auth_token='t', concurrency=8),
                                    environ={})
    with WorkspaceClient(connection) as client:
        assert isinstance(client.throttle, Throttle) and client.throttle.limit == 8
        client.request('GET', server.url, '/x')
        # The shared throttle, not this request alone, took the back-off: fewer requests run at once now.
        assert client.throttle.limit == 4
    assert len(server.requests) == 2
