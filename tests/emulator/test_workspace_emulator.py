# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The local Workspace emulator behaves like the cloud's export-task API (see tools/workspace_emulator/README.md)."""

import datetime
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkworkspace.v2 import ListExportTasksRequest, WorkspaceClient

# tests/conftest.py puts the repository root on sys.path.
from tools.workspace_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, DEFAULT_TOKEN
from tools.workspace_emulator.auth import DATE_FORMAT
from tools.workspace_emulator.testing import REPOSITORY_ROOT, EmulatorError, EmulatorProcess

PROJECT_ID = '5e7a1d2c3b4a59687786a5b4c3d2e1f0'
# Five named tasks whose list order differs from their creation order, and bulk tasks for paging.
NAMED_TASKS = [
    {'task_id': 'task-users-ok', 'file_name': 'users.xlsx', 'status': 'SUCCESS', 'create_time': '2026-01-02T08:00:00.000Z',
     'end_time': '2026-01-02T08:01:30.250Z', 'is_download': True},
    {'task_id': 'task-users-failed', 'file_name': 'users.xlsx', 'status': 'FAIL', 'fail_reason': 'The disk is full.',
     'error_code': 'WKS.00010002', 'create_time': '2026-01-03T08:00:00.000Z', 'end_time': '2026-01-03T08:00:05.000Z'},
    {'task_id': 'task-policies-expired', 'file_name': 'policies.xlsx', 'status': 'EXPIRED', 'create_time': '2026-01-04T08:00:00.000Z',
     'end_time': '2026-01-04T08:02:00.000Z', 'is_download': True},
    {'task_id': 'task-desktops-running', 'file_name': 'desktops.xlsx', 'status': 'CREATING', 'create_time': '2026-01-05T08:00:00.000Z'},
    {'task_id': 'task-first', 'file_name': 'first.xlsx', 'create_time': '2026-01-01T08:00:00.000Z'},
]
BULK_TASKS = [{'task_id': 'task-bulk-%02d' % number, 'file_name': 'bulk.xlsx', 'create_time': '2026-02-01T00:00:00.000Z'}
              for number in range(23)]
SEED = {'project_id': PROJECT_ID, 'tasks': NAMED_TASKS + BULK_TASKS}


@pytest.fixture(scope='module')
def seeded():
    """An emulator holding SEED; tests must not change its tasks."""
    with EmulatorProcess(seed=SEED) as emulator:
        yield emulator


@pytest.fixture
def api(api_for, seeded):
    return api_for(seeded)


TASK_FIELDS = {'task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time', 'is_download'}
TIME_FORMAT = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$')
CREATION_ORDER = ['task-first', 'task-users-ok', 'task-users-failed', 'task-policies-expired', 'task-desktops-running'] + [
    task['task_id'] for task in BULK_TASKS]
ALL_COUNT = len(NAMED_TASKS) + len(BULK_TASKS)
FINISH_AFTER = 0.3


def task_ids(document):
    return [record['task_id'] for record in document['export_tasks']]


def assert_gateway_auth_error(response):
    assert response.status_code == 401, response.text
    body = response.json()
    assert body['error_code'] == 'APIGW.0301'
    assert body['error_msg'].startswith('Incorrect IAM authentication information: ')
    assert body['request_id'] == response.headers['X-Request-Id']
    return body['error_msg']


# Start-up and shutdown.

@pytest.mark.parametrize('signal_number', [signal.SIGTERM, signal.SIGINT])
def test_prints_listening_line_with_real_port_and_exits_0_on_signal(signal_number):
    process = subprocess.Popen([sys.executable, '-m', 'tools.workspace_emulator', '--port', '0'], cwd=REPOSITORY_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
    try:
        first_line = process.stdout.readline()
        assert re.match(r'^listening on http://127\.0\.0\.1:[1-9][0-9]*\n$', first_line), first_line
        process.send_signal(signal_number)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def test_emulator_process_exposes_connection_details(seeded):
    assert re.match(r'^http://127\.0\.0\.1:[1-9][0-9]*$', seeded.url)
    assert seeded.project_id == PROJECT_ID
    assert (seeded.access_key, seeded.secret_key, seeded.token) == (DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN)
    assert seeded.region == 'cn-north-4'


def test_without_seed_uses_default_project_and_stop_returns_exit_status_0():
    emulator = EmulatorProcess(extra_args=['--region', 'eu-west-101'])
    try:
        assert (emulator.project_id, emulator.region, emulator.tasks()) == (DEFAULT_PROJECT_ID, 'eu-west-101', [])
    finally:
        assert emulator.stop() == 0


def test_invalid_seed_fails_start_with_the_reason():
    with pytest.raises(EmulatorError, match=r"(?s)exit status 2.*task #0: status must be one of"):
        EmulatorProcess(seed={'tasks': [{'status': 'DONE'}]})


# The official SDK talks to it like to the cloud.

def sdk_client(emulator, secret_key=None, with_project=True):
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = 10
    if with_project:
        credentials = BasicCredentials(emulator.access_key, secret_key or emulator.secret_key, emulator.project_id)
        return WorkspaceClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([emulator.url]).build()
    credentials = BasicCredentials(emulator.access_key, secret_key or emulator.secret_key).with_iam_endpoint(emulator.url)
    return WorkspaceClient.new_builder().with_http_config(config).with_credentials(credentials) \
        .with_region(Region(emulator.region, emulator.url)).build()


def sdk_list(client, **filters):
    response = client.list_export_tasks(ListExportTasksRequest(**filters))
    return [task.to_dict() for task in response.export_tasks], response.count


def test_official_sdk_lists_tasks_with_filters_paging_and_sorting(seeded):
    records = seeded.tasks()
    assert [record['task_id'] for record in records] == CREATION_ORDER
    client = sdk_client(seeded)

    assert sdk_list(client, limit=100) == (records, ALL_COUNT)
    assert sdk_list(client) == (records[:20], ALL_COUNT)
    assert sdk_list(client, offset=3, limit=2) == (records[3:5], ALL_COUNT)
    assert sdk_list(client, status='FAIL') == ([records[2]], 1)
    assert sdk_list(client, file_name='users.xlsx', is_download=True) == ([records[1]], 1)
    assert sdk_list(client, sort_field='create_time', sort_type='DESC', limit=100) == (records[::-1], ALL_COUNT)


def test_official_sdk_with_a_wrong_secret_key_gets_401(seeded):
    with pytest.raises(ClientRequestException) as raised:
        sdk_list(sdk_client(seeded, secret_key='not-the-secret'))
    assert raised.value.status_code == 401
    assert raised.value.error_code == 'APIGW.0301'
    assert 'signature' in raised.value.error_msg
    assert re.match(r'^[0-9a-f]{32}$', raised.value.request_id)


def test_official_sdk_resolves_the_project_through_iam(scratch):
    scratch.add_tasks([{'task_id': 'task-through-iam'}])
    client = sdk_client(scratch, with_project=False)
    assert [task['task_id'] for task in sdk_list(client)[0]] == ['task-through-iam']
    calls = [(entry['path'], entry['query'], entry['status'], entry['auth']) for entry in scratch.requests_log()]
    assert calls == [('/v3/projects', {'name': scratch.region}, 200, 'aksk'),
                     ('/v2/%s/export-tasks' % scratch.project_id, {}, 200, 'aksk')]


# The list API.

def test_records_have_exactly_the_api_fields_and_time_format(api):
    document = api.list_tasks(limit=100)
    assert set(document) == {'export_tasks', 'count'}
    for record in document['export_tasks']:
        assert set(record) == TASK_FIELDS
        assert TIME_FORMAT.match(record['create_time'])
        assert record['end_time'] is None if record['status'] == 'CREATING' else TIME_FORMAT.match(record['end_time'])
        if record['status'] != 'FAIL':
            assert record['fail_reason'] is None and record['error_code'] is None
    by_id = dict((record['task_id'], record) for record in document['export_tasks'])
    assert by_id['task-users-failed']['fail_reason'] == 'The disk is full.'
    assert by_id['task-users-failed']['error_code'] == 'WKS.00010002'
    assert by_id['task-users-ok']['end_time'] == '2026-01-02T08:01:30.250Z'
    assert by_id['task-first']['is_download'] is False


def test_count_is_all_matching_tasks_not_the_page(api):
    default_page = api.list_tasks()
    assert (len(default_page['export_tasks']), default_page['count']) == (20, ALL_COUNT)
    assert task_ids(api.list_tasks(offset=25, limit=10)) == CREATION_ORDER[25:]
    beyond = api.list_tasks(offset=500)
    assert (beyond['export_tasks'], beyond['count']) == ([], ALL_COUNT)
    bulk_page = api.list_tasks(file_name='bulk.xlsx', offset=20, limit=2)
    assert (task_ids(bulk_page), bulk_page['count']) == (['task-bulk-20', 'task-bulk-21'], len(BULK_TASKS))


@pytest.mark.parametrize('filters, expected', [
    ({'file_name': 'users.xlsx'}, ['task-users-ok', 'task-users-failed']),
    ({'file_name': 'users'}, []),
    ({'task_id': 'task-policies-expired'}, ['task-policies-expired']),
    ({'status': 'CREATING'}, ['task-desktops-running']),
    ({'status': 'FAIL'}, ['task-users-failed']),
    ({'status': 'EXPIRED'}, ['task-policies-expired']),
    ({'status': 'SUCCESS', 'file_name': 'users.xlsx'}, ['task-users-ok']),
    ({'is_download': 'true'}, ['task-users-ok', 'task-policies-expired']),
    ({'is_download': 'false', 'file_name': 'users.xlsx'}, ['task-users-failed']),
])
def test_filters_match_exactly(api, filters, expected):
    document = api.list_tasks(limit=100, **filters)
    assert (task_ids(document), document['count']) == (expected, len(expected))


def test_sorting_by_create_time(api):
    assert task_ids(api.list_tasks(limit=100, sort_field='create_time', sort_type='ASC')) == CREATION_ORDER
    assert task_ids(api.list_tasks(limit=100, sort_field='create_time', sort_type='DESC')) == CREATION_ORDER[::-1]
    assert task_ids(api.list_tasks(limit=3, sort_field='create_time', sort_type='DESC')) == CREATION_ORDER[:-4:-1]


@pytest.mark.parametrize('params, parameter', [
    ({'limit': '0'}, 'limit'),
    ({'limit': '101'}, 'limit'),
    ({'limit': 'ten'}, 'limit'),
    ({'offset': '-1'}, 'offset'),
    ({'offset': '1.5'}, 'offset'),
    ({'status': 'DONE'}, 'status'),
    ({'status': 'success'}, 'status'),
    ({'is_download': 'yes'}, 'is_download'),
    ({'sort_type': 'DESC'}, 'sort_field and sort_type must be used together'),
    ({'sort_field': 'create_time'}, 'sort_field and sort_type must be used together'),
    ({'sort_field': 'file_name', 'sort_type': 'ASC'}, 'sort_field'),
    ({'sort_field': 'create_time', 'sort_type': 'UP'}, 'sort_type'),
    ([('limit', '5'), ('limit', '6')], 'limit'),
])
def test_invalid_parameters_get_400_naming_the_parameter(api, params, parameter):
    response = api.signed(api.tasks_path(), params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {'error_code', 'error_msg'}
    assert body['error_code'] == 'WKS.00000001'
    assert parameter in body['error_msg']


def test_unknown_api_path_gets_404(api):
    response = api.signed('/v2/%s/export-tasks/unknown' % PROJECT_ID)
    assert response.status_code == 404
    assert response.json()['error_code'] == 'APIGW.0101'


def test_connection_is_kept_alive_between_requests(seeded):
    host, port = seeded.url[len('http://'):].split(':')
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for _ in range(2):
            connection.request('GET', '/v2/%s/export-tasks' % PROJECT_ID, headers={'X-Auth-Token': seeded.token})
            response = connection.getresponse()
            assert (response.status, response.getheader('Connection')) == (200, None)
            assert json.loads(response.read())['count'] == ALL_COUNT
    finally:
        connection.close()


# Authentication, like the API gateway.

def test_token_is_accepted_instead_of_a_signature(api):
    response = api.with_token(api.tasks_path(), {'task_id': 'task-first'})
    assert response.status_code == 200
    assert task_ids(response.json()) == ['task-first']


def test_each_authentication_failure_gets_401_with_its_own_reason(api):
    path = api.tasks_path()
    stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    signed = api.signed(path, {'limit': '1'})
    tampered_headers = {name: value for name, value in signed.request.headers.items() if name in ('Authorization', 'X-Sdk-Date', 'X-Project-Id')}
    reasons = [
        assert_gateway_auth_error(api.unsigned(path)),
        assert_gateway_auth_error(api.with_token(path, token='wrong-token')),
        assert_gateway_auth_error(api.signed(path, secret_key='wrong-secret')),
        assert_gateway_auth_error(api.signed(path, now=stale)),
        assert_gateway_auth_error(api.signed(path, with_project=False)),
        assert_gateway_auth_error(api.signed(path, with_project=False, extra_headers={'X-Project-Id': PROJECT_ID})),
        assert_gateway_auth_error(api.unsigned(path, {'limit': '2'}, headers=tampered_headers)),
        assert_gateway_auth_error(api.unsigned(path, headers={'Authorization': 'Basic dXNlcjpwYXNz'})),
    ]
    assert 'X-Sdk-Date' in reasons[3] and 'X-Project-Id' in reasons[4] and 'X-Project-Id' in reasons[5]
    # The signature of a request for another query is refused like a wrong secret key.
    assert reasons[6] == reasons[2]
    assert len(set(reasons)) == len(reasons) - 1


def test_unknown_access_key_gets_401(api):
    assert 'access key' in assert_gateway_auth_error(api.signed(api.tasks_path(), access_key='UNKNOWNACCESSKEY0000'))


def test_missing_x_sdk_date_gets_401(api):
    signed = api.signed(api.tasks_path())
    headers = {name: value for name, value in signed.request.headers.items() if name in ('Authorization', 'X-Project-Id')}
    assert 'X-Sdk-Date' in assert_gateway_auth_error(api.unsigned(api.tasks_path(), headers=headers))


def test_garbage_authorization_gets_401_not_500(api):
    headers = {'Authorization': 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-date, Signature=\u00e9t\u00e9' % api.emulator.access_key,
               'X-Sdk-Date': datetime.datetime.now(datetime.timezone.utc).strftime(DATE_FORMAT)}
    assert 'signature' in assert_gateway_auth_error(api.unsigned(api.tasks_path(), headers=headers))


def test_official_sdk_with_a_security_token(seeded):
    client = sdk_client(seeded)
    client.get_credentials().with_security_token(seeded.token)
    assert sdk_list(client, task_id='task-first')[1] == 1
    client.get_credentials().with_security_token('expired-token')
    with pytest.raises(ClientRequestException, match='X-Security-Token'):
        sdk_list(client, task_id='task-first')


def test_security_token_must_be_signed_and_known(api):
    path = api.tasks_path()
    assert api.signed(path, signed_headers={'X-Security-Token': api.emulator.token}).status_code == 200
    assert 'X-Security-Token' in assert_gateway_auth_error(api.signed(path, signed_headers={'X-Security-Token': 'expired-token'}))
    assert 'X-Security-Token' in assert_gateway_auth_error(api.signed(path, extra_headers={'X-Security-Token': api.emulator.token}))


def test_another_project_in_the_path_gets_403(api):
    for response in (api.signed(api.tasks_path('0' * 32)), api.with_token(api.tasks_path('0' * 32))):
        assert response.status_code == 403
        assert response.json()['error_code'] == 'APIGW.0302'


def test_iam_lists_the_project_of_the_region_only(api):
    by_signature = api.signed('/v3/projects', {'name': 'cn-north-4'}, with_project=False)
    assert by_signature.status_code == 200
    assert by_signature.json() == {'projects': [{'id': PROJECT_ID, 'name': 'cn-north-4', 'domain_id': by_signature.json()['projects'][0]['domain_id'],
                                                 'enabled': True}]}
    assert api.with_token('/v3/projects', {'name': 'cn-north-4'}).json()['projects'][0]['id'] == PROJECT_ID
    assert api.signed('/v3/projects', {'name': 'ap-southeast-1'}, with_project=False).json() == {'projects': []}
    assert_gateway_auth_error(api.unsigned('/v3/projects', {'name': 'cn-north-4'}))
    assert api.with_token('/v3/users').status_code == 404


def test_every_answer_has_a_request_id_and_nothing_secret_is_logged(api, seeded):
    responses = [api.signed(api.tasks_path()), api.with_token(api.tasks_path()), api.unsigned(api.tasks_path()),
                 api.signed(api.tasks_path(), {'limit': '0'}), api.unsigned('/nowhere')]
    for response in responses:
        assert re.match(r'^[0-9a-f]{32}$', response.headers['X-Request-Id'])
    signature = responses[0].request.headers['Authorization'].rsplit('=', 1)[1]
    logs = seeded.stderr_text() + json.dumps(seeded.requests_log())
    for secret in (seeded.secret_key, seeded.token, signature):
        assert secret not in logs


# Task life cycle and the admin API.

def test_tasks_finish_fail_and_expire_on_time(scratch, scratch_api):
    added = scratch.add_tasks([
        {'task_id': 'life-success', 'file_name': 'life.xlsx', 'finish_after': FINISH_AFTER},
        {'task_id': 'life-fail', 'file_name': 'life.xlsx', 'finish_after': FINISH_AFTER, 'final_status': 'FAIL',
         'fail_reason': 'Quota exceeded.', 'error_code': 'WKS.00010003'},
        {'task_id': 'life-fail-default', 'file_name': 'life.xlsx', 'finish_after': FINISH_AFTER, 'final_status': 'FAIL'},
        {'task_id': 'life-expire', 'file_name': 'life.xlsx', 'finish_after': 0, 'expire_after': FINISH_AFTER},
    ])
    assert [record['status'] for record in added] == ['CREATING', 'CREATING', 'CREATING', 'SUCCESS']
    assert all(record['end_time'] is None for record in added[:3])
    time.sleep(FINISH_AFTER + 0.15)
    finished = dict((record['task_id'], record) for record in scratch_api.list_tasks(file_name='life.xlsx')['export_tasks'])
    assert finished['life-success']['status'] == 'SUCCESS'
    assert finished['life-success']['end_time'] > finished['life-success']['create_time']
    assert (finished['life-fail']['status'], finished['life-fail']['fail_reason'], finished['life-fail']['error_code']) == (
        'FAIL', 'Quota exceeded.', 'WKS.00010003')
    assert finished['life-fail-default']['status'] == 'FAIL'
    assert finished['life-fail-default']['fail_reason'] and finished['life-fail-default']['error_code']
    assert finished['life-expire']['status'] == 'EXPIRED'
    assert finished['life-expire']['end_time'] == added[3]['end_time']


def test_a_task_finishes_once_it_was_in_as_many_list_answers_as_it_says(scratch, scratch_api):
    scratch.add_tasks([{'task_id': 'polled', 'file_name': 'polled.xlsx', 'finish_after_listings': 3, 'final_status': 'FAIL'}])

    def status_of_polled(**filters):
        return [record['status'] for record in scratch_api.list_tasks(**filters)['export_tasks'] if record['task_id'] == 'polled']

    # Answers without it, and admin reads, do not count.
    assert status_of_polled(status='SUCCESS') == [] and status_of_polled(file_name='other.xlsx') == []
    assert [record['status'] for record in scratch.tasks() if record['task_id'] == 'polled'] == ['CREATING']
    # Any answer that shows it counts, whatever its filters: the third still shows it CREATING.
    assert status_of_polled() == status_of_polled(task_id='polled') == status_of_polled(status='CREATING') == ['CREATING']
    [finished] = scratch_api.list_tasks(task_id='polled')['export_tasks']
    assert (finished['status'], finished['error_code']) == ('FAIL', 'WKS.00010001')
    assert finished['end_time'] >= finished['create_time']
    assert status_of_polled(status='CREATING') == []


def test_added_tasks_get_defaults_and_keep_creation_order(scratch):
    added = scratch.add_tasks([{'file_name': 'order-%d.xlsx' % number} for number in range(5)] + [{'is_download': True}])
    assert [record['file_name'] for record in added[:5]] == ['order-%d.xlsx' % number for number in range(5)]
    assert all(re.match(r'^[0-9a-f]{32}$', record['task_id']) and record['status'] == 'SUCCESS' for record in added)
    assert added[5]['is_download'] is True and added[5]['file_name']
    assert [record['create_time'] for record in added] == sorted(set(record['create_time'] for record in added))
    listed = [record['task_id'] for record in scratch.tasks()]
    assert listed[-6:] == [record['task_id'] for record in added]


@pytest.mark.parametrize('tasks, reason', [
    ([{'task_id': 'twice'}, {'task_id': 'twice'}], 'already exists'),
    ([{'finish_after': -1}], 'finish_after'),
    ([{'final_status': 'EXPIRED', 'finish_after': 1}], 'final_status'),
    ([{'status': 'SUCCESS', 'finish_after': 1}], 'finish_after'),
    ([{'finish_after_listings': 0}], 'finish_after_listings'),
    ([{'finish_after_listings': 1.5}], 'finish_after_listings'),
    ([{'status': 'FAIL', 'finish_after_listings': 1}], 'finish_after_listings'),
    ([{'finish_after_listings': 2, 'finish_after': 1}], 'do not go together'),
    ([{'create_time': 'yesterday'}], 'create_time'),
    ([{'colour': 'blue'}], 'colour'),
    ({'task_id': 'not-in-a-list'}, 'list'),
])
def test_invalid_tasks_are_refused_whole(scratch, tasks, reason):
    before = scratch.tasks()
    with pytest.raises(EmulatorError, match='HTTP 400.*%s' % reason):
        scratch.add_tasks(tasks)
    assert scratch.tasks() == before


def test_request_log_lists_api_requests_only(scratch, scratch_api):
    scratch_api.signed(scratch_api.tasks_path(), {'status': 'SUCCESS', 'limit': '5'})
    scratch_api.with_token(scratch_api.tasks_path())
    scratch_api.unsigned(scratch_api.tasks_path())
    scratch.tasks()
    log = scratch.requests_log()
    assert [(entry['method'], entry['path'], entry['query'], entry['status'], entry['auth']) for entry in log] == [
        ('GET', scratch_api.tasks_path(), {'limit': '5', 'status': 'SUCCESS'}, 200, 'aksk'),
        ('GET', scratch_api.tasks_path(), {}, 200, 'token'),
        ('GET', scratch_api.tasks_path(), {}, 401, 'none'),
    ]
    assert log[0]['raw_query'] == 'limit=5&status=SUCCESS'
    assert scratch.requests_summary() == {'entries': 3, 'size': 10000, 'dropped': 0}
    scratch.clear_log()
    assert scratch.requests_log() == []


def test_the_request_log_is_a_ring_that_counts_what_it_dropped(api_for, http_session):
    with EmulatorProcess(extra_args=['--request-log-size', '3']) as small:
        api = api_for(small)
        for limit in range(1, 6):
            assert api.signed(api.tasks_path(), {'limit': str(limit)}).status_code == 200
        assert [entry['query'] for entry in small.requests_log()] == [{'limit': '3'}, {'limit': '4'}, {'limit': '5'}]
        assert small.requests_summary() == {'entries': 3, 'size': 3, 'dropped': 2}
        for _ in range(2):
            api.unsigned('/v2/%s/export-tasks/x/download' % small.project_id)
        storage = http_session.get(small.storage_url + '/workspace-export/x', timeout=10)
        assert storage.status_code == 403
        assert small.requests_summary() == {'entries': 3, 'size': 3, 'dropped': 4}
        assert http_session.get(small.url + '/_emulator/storage/requests/summary', timeout=10).json() == {'entries': 1, 'size': 3, 'dropped': 0}
        small.clear_log()
        assert small.requests_summary() == {'entries': 0, 'size': 3, 'dropped': 0}
    with pytest.raises(EmulatorError, match='--request-log-size must be >= 1'):
        EmulatorProcess(extra_args=['--request-log-size', '0'])


def test_hide_downloaded_reads_an_absent_is_download_as_false(scratch, scratch_api):
    downloaded, fresh = scratch.add_tasks([{'is_download': True}, {}])
    every = {downloaded['task_id'], fresh['task_id']}

    def listed(**params):
        return {task['task_id'] for task in scratch_api.list_tasks(limit=100, **params)['export_tasks']} & every

    assert listed() == every
    assert scratch.inject({'hide_downloaded': True})['hide_downloaded'] is True
    assert listed() == {fresh['task_id']}
    assert listed(task_id=downloaded['task_id']) == set()
    assert listed(is_download='true') == {downloaded['task_id']}
    assert listed(is_download='false') == {fresh['task_id']}
    assert scratch.clear_faults()['hide_downloaded'] is False
    assert listed() == every


def test_hide_downloaded_from_the_start(api_for):
    with EmulatorProcess(seed={'tasks': [{'task_id': 'seen', 'is_download': True}, {'task_id': 'fresh'}]},
                         extra_args=['--hide-downloaded']) as strict:
        api = api_for(strict)
        assert [task['task_id'] for task in api.list_tasks()['export_tasks']] == ['fresh']
        assert strict.inject({'hide_downloaded': False})['hide_downloaded'] is False
        assert [task['task_id'] for task in api.list_tasks()['export_tasks']] == ['seen', 'fresh']
        assert strict.clear_faults()['hide_downloaded'] is True
        assert [task['task_id'] for task in api.list_tasks()['export_tasks']] == ['fresh']


# Faults.

def test_throttling_fault_answers_429_with_retry_after(scratch, scratch_api):
    scratch.inject({'status': 429, 'count': 2, 'retry_after': 1})
    statuses = []
    for _ in range(3):
        response = scratch_api.signed(scratch_api.tasks_path())
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.headers['Retry-After'] == '1'
            assert response.json()['error_code'] == 'APIGW.0308'
    assert statuses == [429, 429, 200]
    assert [entry['status'] for entry in scratch.requests_log()] == [429, 429, 200]


def test_server_error_fault_answers_503_once(scratch, scratch_api):
    scratch.inject({'status': 503, 'count': 1})
    first, second = scratch_api.with_token(scratch_api.tasks_path()), scratch_api.with_token(scratch_api.tasks_path())
    assert (first.status_code, second.status_code) == (503, 200)
    assert set(first.json()) == {'error_code', 'error_msg', 'request_id'}
    assert 'Retry-After' not in first.headers


def test_pass_fault_lets_requests_through_so_that_the_next_fault_applies_later(scratch, scratch_api):
    assert scratch.inject([{'pass': 2}, {'status': 503}])['faults'][0] == {'pass': 2}
    statuses = [scratch_api.with_token(scratch_api.tasks_path()).status_code for _ in range(4)]
    assert statuses == [200, 200, 503, 200]
    assert [entry['fault'] for entry in scratch.requests_log()] == ['pass', 'pass', 'status', None]


def test_drop_fault_closes_the_connection_without_answer(scratch, scratch_api):
    scratch.inject({'drop': 1})
    with pytest.raises(requests.ConnectionError):
        scratch_api.with_token(scratch_api.tasks_path())
    assert scratch_api.with_token(scratch_api.tasks_path()).status_code == 200
    assert [entry['status'] for entry in scratch.requests_log()] == [None, 200]


def test_malformed_fault_answers_200_with_a_body_that_is_not_json(scratch, scratch_api):
    scratch.inject({'malformed': 1})
    response = scratch_api.with_token(scratch_api.tasks_path())
    assert response.status_code == 200
    with pytest.raises(ValueError):
        json.loads(response.text)


def test_latency_fault_and_option_delay_answers(scratch, scratch_api, api_for):
    assert scratch.inject({'latency_ms': 150})['latency_ms'] == 150
    started = time.monotonic()
    assert scratch_api.with_token(scratch_api.tasks_path()).status_code == 200
    assert time.monotonic() - started >= 0.15
    # A minute per API answer: an admin call answered within its 10 s timeout was not delayed, and an API request
    # that gives up after 1 s was, however busy the machine is.
    with EmulatorProcess(latency_ms=60000) as slow:
        assert len(slow.add_tasks([{}])) == 1
        with pytest.raises(requests.exceptions.ReadTimeout):
            api_for(slow).with_token('/v2/%s/export-tasks' % slow.project_id, timeout=1)


def test_invalid_fault_is_refused(scratch):
    for fault in ({'status': 200}, {'drop': 0}, {'status': 429, 'colour': 'red'}, {'status': 429, 'retry_after': 0.5}, {'drop': 1, 'malformed': 1}, {}):
        with pytest.raises(EmulatorError, match='HTTP 400'):
            scratch.inject(fault)
    assert scratch.inject([]) == {'faults': [], 'latency_ms': 0, 'latency_jitter_ms': 0, 'ignore_offset': False, 'count_growing': 0,
                                  'churn': None, 'hide_downloaded': False}


def non_loopback_address():
    """An address of this host that is not loopback, or None (a UDP connect sends nothing)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(('10.255.255.255', 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith('127.') else address


def test_admin_api_refuses_clients_that_are_not_loopback(http_session):
    address = non_loopback_address()
    if address is None:
        pytest.skip('this host has no non-loopback IPv4 address')
    with EmulatorProcess(extra_args=['--host', '0.0.0.0']) as emulator:
        port = emulator.url.rsplit(':', 1)[1]
        response = http_session.get('http://%s:%s/_emulator/tasks' % (address, port), timeout=10)
        assert (response.status_code, response.json()['error_code']) == (403, 'EMULATOR.FORBIDDEN')
        assert http_session.get('http://%s:%s/v2/%s/export-tasks' % (address, port, emulator.project_id),
                                headers={'X-Auth-Token': emulator.token}, timeout=10).status_code == 200
