# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""What the emulator lets out and lets in: no signature of a pre-signed URL in its logs, no answer to a Host that is
not its own (DNS rebinding), and no admin call that a web page in a browser on the same machine could make."""

import json
import urllib.parse

import pytest

from tools.workspace_emulator.testing import EmulatorProcess


@pytest.fixture(scope='module')
def emulator():
    with EmulatorProcess() as running:
        running.export_settings(download='json')
        yield running


@pytest.fixture
def api(api_for, emulator):
    emulator.clear_log()
    emulator.clear_storage_log()
    return api_for(emulator)


def test_the_signature_of_a_presigned_url_is_masked_in_every_log(emulator, api, http_session):
    [task] = emulator.add_tasks([{'file_name': 'masked.xlsx'}])
    url = api.signed('/v2/%s/export-tasks/%s/download' % (emulator.project_id, task['task_id'])).json()['download_url']
    signature = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))['Signature']
    assert http_session.get(url, timeout=10).status_code == 200
    # The API listener masks such a parameter too (the list API ignores unknown parameters).
    assert api.signed(api.tasks_path(), {'X-Amz-Signature': 'api-side-signature'}).status_code == 200
    [stored] = emulator.storage_requests()
    assert (stored['status'], stored['query']['Signature'], stored['query']['AccessKeyId']) == (200, '***', 'EMULATORSTORAGEKEY01')
    assert stored['raw_query'].endswith('&Signature=***')
    listed = emulator.requests_log()[-1]
    assert (listed['query']['X-Amz-Signature'], listed['raw_query']) == ('***', 'X-Amz-Signature=***')
    logs = emulator.stderr_text() + json.dumps(emulator.storage_requests()) + json.dumps(emulator.requests_log())
    for secret in (signature, urllib.parse.quote(signature, safe=''), urllib.parse.quote_plus(signature), 'api-side-signature'):
        assert secret not in logs
    assert 'Signature=***' in emulator.stderr_text()


def port_of(url):
    return int(url.rsplit(':', 1)[1])


def list_with_host(api, host):
    """A listing by token, sent with that Host header."""
    return api.session.get(api.url(api.tasks_path()), headers={'X-Auth-Token': api.emulator.token, 'Host': host}, timeout=10)


# What a browser sends after DNS rebinding (a page's own name re-pointed at 127.0.0.1), and other hosts.
FOREIGN_HOSTS = ['rebound.example:{port}', '127.0.0.1.nip.io:{port}', 'localhost.example:{port}', '127.0.0.1:{other}', '127.0.0.3:{port}',
                 '127.0.0.1', 'user@127.0.0.1:{port}', '[::1]:{port}', '']


@pytest.mark.parametrize('host', FOREIGN_HOSTS)
def test_a_host_that_does_not_name_the_api_listener_gets_421_and_nothing_else(emulator, api, host):
    port = port_of(emulator.url)
    named = host.format(port=port, other=port + 1)
    tasks_before = emulator.tasks()
    listing = list_with_host(api, named)
    admin = api.session.post(emulator.url + '/_emulator/tasks', data=b'[{}]', timeout=10,
                             headers={'Host': named, 'Content-Type': 'application/json'})
    for response in (listing, admin):
        assert (response.status_code, response.json()['error_code']) == (421, 'EMULATOR.MISDIRECTED'), named
        assert response.headers['Connection'] == 'close'
    assert emulator.tasks() == tasks_before
    assert [entry['status'] for entry in emulator.requests_log()] == [421]  # admin calls are not logged


@pytest.mark.parametrize('host', FOREIGN_HOSTS[:-1])
def test_a_host_that_does_not_name_the_storage_listener_gets_421_instead_of_the_file(emulator, api, http_session, host):
    [task] = emulator.add_tasks([{'file_name': 'rebound.xlsx'}])
    url = api.signed('/v2/%s/export-tasks/%s/download' % (emulator.project_id, task['task_id'])).json()['download_url']
    port = port_of(emulator.storage_url)
    named = host.format(port=port, other=port + 1).replace('127.0.0.1', urllib.parse.urlsplit(url).hostname)
    response = http_session.get(url, headers={'Host': named}, timeout=10)
    assert response.status_code == 421 and '<Code>MisdirectedRequest</Code>' in response.text, named
    assert http_session.get(url, timeout=10).status_code == 200
    assert [entry['status'] for entry in emulator.storage_requests()] == [421, 200]


def test_its_own_address_and_localhost_are_answered(emulator, api):
    port = port_of(emulator.url)
    for host in ('127.0.0.1:%d' % port, 'localhost:%d' % port, 'LocalHost:%d' % port):
        assert list_with_host(api, host).status_code == 200, host


def test_over_ipv6_its_bracketed_address_and_localhost_are_answered_and_other_hosts_are_not(api_for):
    with EmulatorProcess(extra_args=['--host', '::1']) as ipv6:
        assert ipv6.url.startswith('http://[::1]:')
        api = api_for(ipv6)
        port = port_of(ipv6.url)
        answered = dict((host, list_with_host(api, host % port).status_code)
                        for host in ('[::1]:%d', 'localhost:%d', '[0:0:0:0:0:0:0:1]:%d', '127.0.0.1:%d', '::1:%d', 'rebound.example:%d'))
        assert answered == {'[::1]:%d': 200, 'localhost:%d': 200, '[0:0:0:0:0:0:0:1]:%d': 200, '127.0.0.1:%d': 421, '::1:%d': 421,
                            'rebound.example:%d': 421}
        assert len(ipv6.tasks()) == 0  # and the admin calls of testing.py reach it


def admin(emulator, session, method, path, data=None, headers=None):
    return session.request(method, emulator.url + path, data=data, headers=headers or {}, timeout=10)


# The requests a web page can make a browser send to another origin without asking it first (no CORS preflight):
# GET, HEAD and POST with a text/plain, form or multipart body, or no type at all.
@pytest.mark.parametrize('content_type', ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded',
                                          'multipart/form-data; boundary=x', None])
def test_an_admin_post_or_delete_without_a_json_body_type_changes_nothing(emulator, api, http_session, content_type):
    assert api.with_token(api.tasks_path()).status_code == 200
    tasks_before = emulator.tasks()
    headers = {} if content_type is None else {'Content-Type': content_type}
    answers = [admin(emulator, http_session, 'POST', '/_emulator/tasks', b'[{"file_name": "planted.xlsx"}]', headers),
               admin(emulator, http_session, 'POST', '/_emulator/faults', b'{"status": 503, "count": 100}', headers),
               admin(emulator, http_session, 'DELETE', '/_emulator/requests', headers=headers)]
    for answer in answers:
        assert (answer.status_code, answer.json()['error_code']) == (415, 'EMULATOR.UNSUPPORTED_MEDIA_TYPE'), answer.request.method
    assert emulator.tasks() == tasks_before and emulator.faults()['faults'] == [] and len(emulator.requests_log()) == 1


@pytest.mark.parametrize('origin', ['http://rebound.example', 'https://127.0.0.1:{port}', 'http://127.0.0.1:{other}', 'null',
                                    'http://127.0.0.1:{port}/page'])
def test_an_admin_call_from_another_origin_is_refused_even_with_a_json_body(emulator, http_session, origin):
    port = port_of(emulator.url)
    headers = {'Origin': origin.format(port=port, other=port + 1), 'Content-Type': 'application/json'}
    tasks_before = emulator.tasks()
    for method, path, data in (('POST', '/_emulator/tasks', b'[{}]'), ('GET', '/_emulator/config', None)):
        answer = admin(emulator, http_session, method, path, data, headers)
        assert (answer.status_code, answer.json()['error_code']) == (403, 'EMULATOR.FORBIDDEN'), (method, headers)
    assert emulator.tasks() == tasks_before


def test_an_admin_call_from_its_own_origin_with_a_json_body_is_answered(emulator, http_session):
    port = port_of(emulator.url)
    for origin in ('http://127.0.0.1:%d' % port, 'http://localhost:%d' % port):
        answer = admin(emulator, http_session, 'POST', '/_emulator/tasks', b'[{"file_name": "own-origin.xlsx"}]',
                       {'Origin': origin, 'Content-Type': 'application/json;charset=UTF-8'})
        assert answer.status_code == 200 and answer.json()[0]['file_name'] == 'own-origin.xlsx'
