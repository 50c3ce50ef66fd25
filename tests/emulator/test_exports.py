# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The export life cycle in the emulator: start operations, downloads in three shapes, object storage, batch delete."""

import datetime
import hashlib
import io
import re
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
import zipfile

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkworkspace.v2 import (
    DeleteExportTaskRequestBody,
    DeleteExportTasksRequest,
    DownloadExportFileRequest,
    ExportDesktopListNewRequest,
    ExportUserConnectionNewRequest,
    ExportUserGroupsNewReq,
    ExportUserGroupsNewRequest,
    ExportUsersNewReq,
    ExportUsersNewRequest,
    WorkspaceClient,
)

from tools.workspace_emulator.testing import EmulatorError, EmulatorProcess

CREDENTIAL_HEADERS = ('authorization', 'x-auth-token', 'x-security-token', 'x-project-id', 'x-sdk-date')
SHEET_NAMESPACE = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'


def utc_text(days_ago):
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)).strftime('%Y-%m-%dT%H:%M:%SZ')


# (kind, method, path (%s: the project id), parameters): one valid start of each operation; a list is one query pair per item.
STARTS = [
    ('desktops', 'GET', '/v3/%s/desktops/export', {'language': 'en_US', 'status': 'ACTIVE', 'without_any_tag': 'true',
                                                   'computer_names': ['pc-1', 'pc,2']}),
    ('users', 'POST', '/v3/%s/users/export', {'user_name': 'alice', 'active_type': 'USER_ACTIVATE', 'user_names': ['alice', 'bob']}),
    ('user_groups', 'POST', '/v3/%s/groups/export', {'name': 'ops', 'group_ids': ['g1'], 'language': 'zh_CN'}),
    ('group_users', 'GET', '/v3/%s/groups/group-1/users/export', {'active_type': 'ADMIN_ACTIVATE'}),
    ('user_connections', 'GET', '/v3/%s/desktops/connections/export', {'start_time': utc_text(10), 'end_time': utc_text(1), 'min_e2e_rtt': '5'}),
    ('desktop_usage', 'GET', '/v3/%s/statistics/metrics/desktops/export', {'start_time': utc_text(170), 'end_time': utc_text(1),
                                                                           'sort_field': 'desktop_usage', 'sort_type': 'DESC'}),
    ('user_usage', 'GET', '/v3/%s/statistics/metrics/users/export', {'start_time': utc_text(20), 'end_time': utc_text(1), 'usage_min_hours': '1'}),
    ('desktop_versions', 'GET', '/v2/%s/desktops/list-by-version/export', {'agent_version': '1.0.0', 'os_type': 'Windows', 'language': 'en_US'}),
    ('hosts', 'GET', '/v2/%s/hosts/export', {'language': 'en_US', 'state': 'available', 'limit': '10',
                                             'changes_since': '2026-08-27T09:49:58-05:00', 'sort_field': 'instance_total', 'sort_type': 'ASC'}),
    ('app_user_access', 'POST', '/v2/%s/statistics/metrics/app-user-access/export', {
        'start_time': utc_text(3), 'end_time': utc_text(1), 'sort_field': 'access_failed_count', 'sort_type': 'DESC'}),
    ('upgrade_strategies', 'GET', '/v2/%s/upgrade-strategies/export', {'language': 'zh_CN', 'strategy_type': '1', 'is_force_upgrade': '0'}),
    ('terminal_bindings', 'GET', '/v3/%s/terminals/binding-desktops/template/export', {'language': 'en_US', 'mac': 'fa:16:3e:00:00:01'}),
]
FILE_PREFIXES = {'desktops': 'DesktopList', 'users': 'UserList', 'user_groups': 'UserGroupList', 'group_users': 'UserGroupUserList',
                 'user_connections': 'UserConnection', 'desktop_usage': 'DesktopUsageMetric', 'user_usage': 'UserUsageMetric',
                 'desktop_versions': 'DesktopVersionList', 'hosts': 'HostList', 'app_user_access': 'AppUserAccess',
                 'upgrade_strategies': 'UpgradeStrategyList', 'terminal_bindings': 'TerminalBindingDesktops'}


@pytest.fixture(scope='module')
def exporter():
    with EmulatorProcess(export_delay=0.2) as emulator:
        yield emulator


@pytest.fixture
def lifecycle(exporter):
    """The exporter with default export settings (but a short delay), no faults and empty logs."""
    exporter.export_settings(delay=0.2, final_status='SUCCESS', fail_reason=None, error_code=None, file_format='xlsx', file_size=None,
                             file_name=None, download='file', url_ttl=300)
    exporter.clear_faults()
    exporter.clear_storage_faults()
    exporter.clear_log()
    exporter.clear_storage_log()
    return exporter


@pytest.fixture
def lifecycle_api(api_for, lifecycle):
    return api_for(lifecycle)


def start(api, kind, method=None, path=None, parameters=None):
    """Start an export of kind through the API; returns the response."""
    _, default_method, default_path, default_parameters = next(start for start in STARTS if start[0] == kind)
    method, path = method or default_method, path or default_path
    parameters = default_parameters if parameters is None else parameters
    full_path = path % api.emulator.project_id
    if method == 'POST':
        return api.signed(full_path, method='POST', body=parameters)
    return api.signed(full_path, parameters)


def started_task(api, kind, **options):
    response = start(api, kind, **options)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {'task_id'}
    return response.json()['task_id']


def wait_for_status(emulator, task_id, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        record = next(record for record in emulator.tasks() if record['task_id'] == task_id)
        if record['status'] != 'CREATING' or time.monotonic() > deadline:
            return record
        time.sleep(0.05)


def download_path(emulator, task_id):
    return '/v2/%s/export-tasks/%s/download' % (emulator.project_id, task_id)


def sdk_client(emulator):
    config = HttpConfig.get_default_config()
    config.timeout = 10
    credentials = BasicCredentials(emulator.access_key, emulator.secret_key, emulator.project_id)
    return WorkspaceClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([emulator.url]).build()


def sheet_rows(content):
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        assert workbook.testzip() is None
        assert '[Content_Types].xml' in workbook.namelist()
        sheet = ElementTree.fromstring(workbook.read('xl/worksheets/sheet1.xml'))
    return [[cell.findtext('%sis/%st' % (SHEET_NAMESPACE, SHEET_NAMESPACE)) for cell in row] for row in sheet.iter(SHEET_NAMESPACE + 'row')]


# Starting exports.

@pytest.mark.parametrize('kind', [start[0] for start in STARTS])
def test_each_start_operation_creates_a_creating_task_named_like_the_service_files(lifecycle, lifecycle_api, kind):
    task_id = started_task(lifecycle_api, kind)
    record = next(record for record in lifecycle.tasks() if record['task_id'] == task_id)
    assert record['status'] == 'CREATING' and record['end_time'] is None and record['is_download'] is False
    assert re.match(r'^%s_\d{17}\.xlsx$' % FILE_PREFIXES[kind], record['file_name']), record['file_name']
    finished = wait_for_status(lifecycle, task_id)
    assert finished['status'] == 'SUCCESS' and finished['end_time'] >= finished['create_time']
    assert sheet_rows(lifecycle.file_bytes(task_id))[0]  # a header row


def test_the_official_sdk_starts_downloads_and_deletes(lifecycle):
    client = sdk_client(lifecycle)
    desktops = client.export_desktop_list_new(ExportDesktopListNewRequest(language='en_US', computer_names=['pc-1', 'pc-2'],
                                                                          without_any_tag=True, user_names=['alice'])).task_id
    users = client.export_users_new(ExportUsersNewRequest(body=ExportUsersNewReq(user_name='alice', language='zh_CN'))).task_id
    groups = client.export_user_groups_new(ExportUserGroupsNewRequest(body=ExportUserGroupsNewReq(name='ops', group_ids=['g1']))).task_id
    connections = client.export_user_connection_new(ExportUserConnectionNewRequest(start_time=utc_text(3), max_e2e_rtt=100)).task_id
    assert len({desktops, users, groups, connections}) == 4
    assert wait_for_status(lifecycle, desktops)['status'] == 'SUCCESS'
    downloaded = client.download_export_file(DownloadExportFileRequest(task_id=desktops))
    assert downloaded.raw_content == lifecycle.file_bytes(desktops)
    assert next(record for record in lifecycle.tasks() if record['task_id'] == desktops)['is_download'] is True
    client.delete_export_tasks(DeleteExportTasksRequest(body=DeleteExportTaskRequestBody(task_ids=[desktops, users])))
    assert set(record['task_id'] for record in lifecycle.tasks()).isdisjoint({desktops, users})
    with pytest.raises(ClientRequestException) as raised:
        client.export_user_connection_new(ExportUserConnectionNewRequest(start_time=utc_text(31)))
    assert (raised.value.status_code, raised.value.error_code) == (400, 'WKS.00000001')
    assert 'start_time' in raised.value.error_msg


@pytest.mark.parametrize('kind, parameters, named', [
    ('desktops', {'colour': 'blue'}, 'colour'),
    ('desktops', {'language': 'fr_FR'}, 'language'),
    ('desktops', {'status': 'ACTIVE'}, 'language is required by ExportDesktopListNew'),
    ('desktops', {'language': 'en_US', 'without_any_tag': 'yes'}, 'without_any_tag'),
    ('desktops', {'language': 'en_US', 'status': 'RUNNING'}, 'status'),
    ('desktops', {'language': 'en_US', 'user_names': ['user%d' % number for number in range(101)]}, 'user_names'),
    ('desktops', [('language', 'en_US'), ('language', 'zh_CN')], 'language'),
    ('desktops', {'language': 'en_US', 'sort_field': 'created'}, 'sort_field and sort_type must be used together'),
    ('desktops', {'language': 'en_US', 'sort_type': 'ASC'}, 'sort_field and sort_type must be used together'),
    ('users', {'user_name': '1alice'}, 'user_name'),
    ('users', {'user_name': 'al ice'}, 'user_name'),
    ('users', {'user_name': 'a' * 21}, 'user_name'),
    ('users', {'user_names': 'alice'}, 'user_names'),
    ('users', {'active_type': 'SELF'}, 'active_type'),
    ('user_groups', {'group_ids': []}, 'group_ids'),
    ('user_connections', {'start_time': '2026-01-01'}, 'start_time'),
    ('user_connections', {'min_e2e_rtt': 'fast'}, 'min_e2e_rtt'),
    ('user_connections', {'min_e2e_rtt': '9', 'max_e2e_rtt': '3'}, 'max_e2e_rtt'),
    ('user_connections', {'end_time': utc_text(45)}, 'end_time'),
    ('user_connections', {'start_time': utc_text(2), 'end_time': utc_text(5)}, 'end_time'),
    ('desktop_usage', {'end_time': utc_text(1)}, 'start_time'),
    ('desktop_usage', {'start_time': utc_text(3), 'end_time': utc_text(1), 'sort_field': 'cpu'}, 'sort_field'),
    ('desktop_usage', {'start_time': utc_text(3), 'end_time': utc_text(1), 'sort_field': 'desktop_usage'}, 'sort_field and sort_type'),
    ('desktop_usage', {'start_time': utc_text(181), 'end_time': utc_text(1)}, 'start_time must be within the last 180 days'),
    ('desktop_usage', {'start_time': utc_text(3), 'end_time': utc_text(1), 'min_idle_days': '5', 'max_idle_days': '2'}, 'max_idle_days'),
    ('user_usage', {'start_time': utc_text(40), 'end_time': utc_text(1)}, '30 days'),
    ('user_usage', {'start_time': utc_text(3), 'end_time': utc_text(1), 'usage_min_hours': '-1'}, 'usage_min_hours'),
    ('desktop_versions', {'language': 'en_US'}, 'agent_version, os_type are required by ExportDesktopVersionList'),
    ('desktop_versions', {'agent_version': '1', 'os_type': 'Linux'}, 'language is required'),
    ('hosts', {}, 'language is required by ExportHostsDetail'),
    ('hosts', {'language': 'en_US', 'sort_field': 'instance_total'}, 'sort_field and sort_type'),
    ('hosts', {'language': 'en_US', 'changes_since': 'yesterday'}, 'changes_since'),
    ('hosts', {'language': 'en_US', 'state': 'busy'}, 'state'),
    ('hosts', {'language': 'en_US', 'limit': 'ten'}, 'limit'),
    ('app_user_access', {'start_time': utc_text(3)}, 'end_time is required by ExportAppUserAccessData'),
    ('app_user_access', {'start_time': utc_text(3), 'end_time': utc_text(1), 'sort_type': 'ASC'}, 'sort_field and sort_type'),
    ('app_user_access', {'start_time': utc_text(3), 'end_time': utc_text(1), 'username': 7}, 'username'),
    ('upgrade_strategies', {'strategy_name': 'x'}, 'language is required'),
    ('upgrade_strategies', {'language': 'en_US', 'strategy_type': '2'}, 'strategy_type'),
    ('terminal_bindings', {'mac': 'fa:16:3e:00:00:01'}, 'language is required by ExportTerminalsBindingDesktopsInfoNew'),
    ('terminal_bindings', {'language': 'en_US', 'computer_name': ['a', 'b']}, 'computer_name'),
])
def test_bad_parameters_get_400_naming_the_parameter_and_start_nothing(lifecycle, lifecycle_api, kind, parameters, named):
    before = len(lifecycle.tasks())
    response = start(lifecycle_api, kind, parameters=parameters)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body['error_code'] == 'WKS.00000001' and named in body['error_msg'], body
    assert len(lifecycle.tasks()) == before


def test_a_list_is_read_one_item_per_query_pair_and_a_comma_is_part_of_an_item(lifecycle, lifecycle_api):
    task_id = started_task(lifecycle_api, 'desktops', parameters=[('language', 'en_US'), ('computer_names', 'pc,1'), ('computer_names', 'pc-2'),
                                                                  ('user_names', ','.join('user%d' % number for number in range(101)))])
    started = next(start for start in lifecycle.starts() if start['task_id'] == task_id)
    assert started == {'task_id': task_id, 'kind': 'desktops', 'parameters': {
        'language': 'en_US', 'computer_names': ['pc,1', 'pc-2'], 'user_names': [','.join('user%d' % number for number in range(101))]}}


def test_path_parameters_are_read_too(lifecycle, lifecycle_api):
    task_id = started_task(lifecycle_api, 'group_users')
    started = next(start for start in lifecycle.starts() if start['task_id'] == task_id)
    assert started['parameters'] == {'group_id': 'group-1', 'active_type': 'ADMIN_ACTIVATE'}


def test_a_post_body_that_is_not_an_object_gets_400(lifecycle, lifecycle_api):
    for body in (b'[1]', b'not json'):
        response = lifecycle_api.signed('/v3/%s/users/export' % lifecycle.project_id, method='POST', body=body)
        assert response.status_code == 400 and 'JSON object' in response.json()['error_msg']


def test_starting_needs_authentication_and_the_own_project(lifecycle, lifecycle_api):
    assert lifecycle_api.unsigned('/v3/%s/desktops/export' % lifecycle.project_id).status_code == 401
    assert lifecycle_api.signed('/v3/%s/desktops/export' % ('0' * 32)).status_code == 403
    assert lifecycle_api.signed('/v3/%s/desktops/export' % lifecycle.project_id, method='DELETE').status_code == 404


def test_a_dropped_start_is_started_only_when_the_drop_comes_after_handling(lifecycle, lifecycle_api):
    before = len(lifecycle.tasks())
    lifecycle.inject([{'drop': 1}, {'drop': 1, 'after_handling': True}])
    assert lifecycle.faults()['faults'] == [{'drop': 1}, {'drop': 1, 'after_handling': True}]
    with pytest.raises(requests.ConnectionError):
        start(lifecycle_api, 'users')
    assert len(lifecycle.tasks()) == before
    with pytest.raises(requests.ConnectionError):
        start(lifecycle_api, 'users')
    assert len(lifecycle.tasks()) == before + 1
    assert [(entry['status'], entry['fault']) for entry in lifecycle.requests_log()] == [(None, 'drop'), (None, 'drop')]


def test_settings_make_exports_fail_take_csv_and_another_delay(lifecycle, lifecycle_api):
    settings = lifecycle.export_settings(final_status='FAIL', fail_reason='The export file exceeds the size limit', error_code='WKS.00010017',
                                         delay=0, file_format='csv')
    assert settings['final_status'] == 'FAIL' and settings['delay'] == 0
    failed = wait_for_status(lifecycle, started_task(lifecycle_api, 'users'))
    assert (failed['status'], failed['fail_reason'], failed['error_code']) == ('FAIL', 'The export file exceeds the size limit', 'WKS.00010017')
    assert failed['file_name'].endswith('.csv')
    lifecycle.export_settings(final_status='SUCCESS', fail_reason=None, error_code=None, delay=3600)
    running = started_task(lifecycle_api, 'users')
    [record] = lifecycle.finish_tasks([running], status='FAIL')
    assert record['status'] == 'FAIL' and record['fail_reason']
    done = started_task(lifecycle_api, 'user_groups')
    lifecycle.finish_tasks([done])
    content = lifecycle.file_bytes(done)
    assert content.startswith('\ufeffUser Group Name,'.encode('utf-8')) and content.count(b'\r\n') >= 13  # the header, files.ROWS rows or more


def test_a_fixed_file_name_names_every_new_export_alike_with_its_own_bytes(lifecycle, lifecycle_api):
    lifecycle.export_settings(file_name='report.csv')
    first, second = started_task(lifecycle_api, 'desktops'), started_task(lifecycle_api, 'users')
    records = lifecycle.finish_tasks([first, second])
    assert [record['file_name'] for record in records] == ['report.csv', 'report.csv']
    assert lifecycle.file_bytes(first) != lifecycle.file_bytes(second)
    assert lifecycle.file_bytes(first).startswith(b'\xef\xbb\xbf')  # a csv, as the name says
    lifecycle.export_settings(file_name=None)
    assert started_task(lifecycle_api, 'desktops') and lifecycle.tasks()[-1]['file_name'].startswith('DesktopList_')


@pytest.mark.parametrize('settings', [{'delay': -1}, {'final_status': 'EXPIRED'}, {'download': 'ftp'}, {'file_size': -5},
                                      {'file_format': 'pdf'}, {'url_ttl': 1.5}, {'file_name': ''}, {'file_name': 7},
                                      {'colour': 'red'}])
def test_invalid_export_settings_are_refused(lifecycle, settings):
    with pytest.raises(EmulatorError, match='HTTP 400'):
        lifecycle.export_settings(**settings)


def test_export_delay_and_storage_listener_options():
    with EmulatorProcess(extra_args=['--export-delay', '7.5', '--storage-host', '127.0.0.1']) as emulator:
        assert emulator.export_settings()['delay'] == 7.5
        assert emulator.storage_url.startswith('http://127.0.0.1:') and emulator.storage_url != emulator.url
        assert emulator.storage_url in emulator.stderr_text()
    with pytest.raises(EmulatorError, match='--export-delay must be >= 0'):
        EmulatorProcess(extra_args=['--export-delay', '-1'])


# Downloads.

def finished_export(emulator, api, kind='desktops'):
    task_id = started_task(api, kind)
    assert wait_for_status(emulator, task_id)['status'] == 'SUCCESS'
    return task_id


def test_download_answers_the_file_itself_by_default(lifecycle, lifecycle_api):
    task_id = finished_export(lifecycle, lifecycle_api)
    response = lifecycle_api.signed(download_path(lifecycle, task_id))
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    record = next(record for record in lifecycle.tasks() if record['task_id'] == task_id)
    assert response.headers['Content-Disposition'] == "attachment; filename*=UTF-8''%s" % record['file_name']
    assert response.content == lifecycle.file_bytes(task_id) and record['is_download'] is True
    # The same task always gives the same bytes.
    assert lifecycle_api.with_token(download_path(lifecycle, task_id)).content == response.content
    assert lifecycle.file_digest(task_id) == {'size': len(response.content), 'sha256': hashlib.sha256(response.content).hexdigest()}


@pytest.mark.parametrize('file_format', ['xlsx', 'csv'])
def test_download_of_a_file_labelled_json_is_the_file_itself(lifecycle, lifecycle_api, file_format):
    lifecycle.export_settings(file_format=file_format)
    task_id = finished_export(lifecycle, lifecycle_api)
    lifecycle.export_settings(download='file_labelled_json')
    response = lifecycle_api.signed(download_path(lifecycle, task_id))
    assert response.status_code == 200 and response.headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert response.content == lifecycle.file_bytes(task_id)
    assert response.headers['Content-Disposition'].startswith("attachment; filename*=UTF-8''")


def test_download_by_redirect_to_object_storage_that_sees_no_credential(lifecycle, lifecycle_api):
    task_id = finished_export(lifecycle, lifecycle_api)
    lifecycle.export_settings(download='redirect')
    response = lifecycle_api.signed(download_path(lifecycle, task_id), allow_redirects=False)
    assert response.status_code == 302 and response.content == b''
    location = response.headers['Location']
    assert location.startswith(lifecycle.storage_url + '/workspace-export/')
    with requests.Session() as plain:
        plain.trust_env = False
        stored = plain.get(location, timeout=10)
    assert stored.status_code == 200 and stored.content == lifecycle.file_bytes(task_id)
    [received] = lifecycle.storage_requests()
    assert received['status'] == 200 and received['path'] == urllib.parse.urlsplit(location).path
    assert not any(name.lower() in CREDENTIAL_HEADERS for name in received['headers'])


def test_download_by_json_link(lifecycle, lifecycle_api):
    task_id = finished_export(lifecycle, lifecycle_api)
    lifecycle.export_settings(download='json')
    response = lifecycle_api.signed(download_path(lifecycle, task_id))
    assert response.status_code == 200 and set(response.json()) == {'download_url'}
    with requests.Session() as plain:
        plain.trust_env = False
        assert plain.get(response.json()['download_url'], timeout=10).content == lifecycle.file_bytes(task_id)


def test_object_storage_refuses_wrong_signature_expired_urls_credentials_and_deleted_objects(lifecycle, lifecycle_api, http_session):
    task_id = finished_export(lifecycle, lifecycle_api)
    lifecycle.export_settings(download='json')
    url = lifecycle_api.signed(download_path(lifecycle, task_id)).json()['download_url']
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))

    def fetch(changed_query=None, path=None, headers=None):
        target = urllib.parse.urlunsplit(parts._replace(path=path or parts.path, query=urllib.parse.urlencode(changed_query or query)))
        response = http_session.get(target, headers=headers or {}, timeout=10)
        code = re.search(r'<Code>(\w+)</Code>', response.text)
        return response.status_code, code.group(1) if code else None

    # Another first character (a fixed one is the signature's own once in 64 URLs).
    tampered = ('B' if query['Signature'].startswith('A') else 'A') + query['Signature'][1:]
    assert fetch(dict(query, Signature=tampered)) == (403, 'SignatureDoesNotMatch')
    assert fetch(dict(query, Expires=str(int(query['Expires']) + 1))) == (403, 'SignatureDoesNotMatch')
    assert fetch(path=parts.path.replace(task_id, 'another-task')) == (403, 'SignatureDoesNotMatch')
    assert fetch({'AccessKeyId': query['AccessKeyId']}) == (403, 'AccessDenied')
    assert fetch(headers={'Authorization': 'SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=y'}) == (400, 'InvalidArgument')
    lifecycle.export_settings(url_ttl=-1)
    expired_url = lifecycle_api.signed(download_path(lifecycle, task_id)).json()['download_url']
    assert http_session.get(expired_url, timeout=10).status_code == 403
    assert 'Request has expired' in http_session.get(expired_url, timeout=10).text
    assert fetch() == (200, None)
    assert lifecycle_api.signed('/v2/%s/export-tasks/batch-delete' % lifecycle.project_id, method='POST', body={'task_ids': [task_id]}).status_code == 200
    assert fetch() == (404, 'NoSuchKey')
    assert [entry['status'] for entry in lifecycle.storage_requests()] == [403, 403, 403, 403, 400, 403, 403, 200, 404]


def test_object_storage_takes_its_own_queued_faults(lifecycle, lifecycle_api, http_session):
    task_id = finished_export(lifecycle, lifecycle_api)
    lifecycle.export_settings(download='json')
    url = lifecycle_api.signed(download_path(lifecycle, task_id)).json()['download_url']
    content = lifecycle.file_bytes(task_id)
    state = lifecycle.inject_storage([{'reset': 1, 'after_bytes': 100}, {'status': 503}])
    assert state['faults'] == [{'reset': 1, 'after_bytes': 100}, {'status': 503, 'count': 1, 'error_code': 'APIGW.0202',
                                                                  'error_msg': 'The backend is unavailable.'}]
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        http_session.get(url, timeout=10)
    assert http_session.get(url, timeout=10).status_code == 503
    assert http_session.get(url, timeout=10).content == content
    assert [(entry['status'], entry['fault']) for entry in lifecycle.storage_requests()] == [(200, 'reset'), (503, 'status'), (200, None)]
    # The API's own fault queue is separate.
    assert lifecycle.faults()['faults'] == []
    with pytest.raises(EmulatorError, match='HTTP 400.*queued faults only'):
        lifecycle.inject_storage({'latency_ms': 5})


@pytest.mark.parametrize('download', ['file', 'redirect', 'json'])
def test_download_of_a_task_without_a_file_is_refused_naming_its_status(lifecycle, lifecycle_api, download):
    lifecycle.export_settings(download=download)
    tasks = lifecycle.add_tasks([{'status': 'CREATING'}, {'status': 'FAIL'}, {'status': 'EXPIRED'}])
    for record in tasks:
        response = lifecycle_api.signed(download_path(lifecycle, record['task_id']), allow_redirects=False)
        assert response.status_code == 400, response.text
        assert response.json()['error_code'] == 'WKS.00010005' and record['status'] in response.json()['error_msg']
    response = lifecycle_api.signed(download_path(lifecycle, 'no-such-task'))
    assert (response.status_code, response.json()['error_code']) == (400, 'WKS.00010004')  # the page documents 400, 401, 500
    assert response.json()['error_msg'] == 'The export task no-such-task does not exist.'
    assert all(record['is_download'] is False for record in lifecycle.tasks() if record['task_id'] in [task['task_id'] for task in tasks])


def test_large_file_is_generated_on_the_fly(lifecycle, lifecycle_api):
    size = 96 * 1024 * 1024 + 5
    task_id = lifecycle.add_tasks([{'file_name': 'big.csv', 'file_size': size}])[0]['task_id']
    digest = hashlib.sha256()
    received = 0
    with lifecycle_api.signed(download_path(lifecycle, task_id), stream=True, timeout=120) as response:
        assert response.status_code == 200 and int(response.headers['Content-Length']) == size
        for chunk in response.iter_content(1024 * 1024):
            digest.update(chunk)
            received += len(chunk)
    assert received == size
    assert lifecycle.file_digest(task_id) == {'size': size, 'sha256': digest.hexdigest()}
    # The emulator never held the file: its peak resident memory stays far below the file's size.
    with open('/proc/%d/status' % lifecycle.process.pid, encoding='ascii') as status:
        peak_kib = int(re.search(r'^VmHWM:\s+(\d+) kB', status.read(), re.M).group(1))
    assert peak_kib * 1024 < size / 2


def test_export_settings_file_size_applies_to_new_exports(lifecycle, lifecycle_api):
    lifecycle.export_settings(file_size=1000, delay=0)
    task_id = started_task(lifecycle_api, 'desktops')
    content = lifecycle_api.signed(download_path(lifecycle, task_id)).content
    assert len(content) == 1000 and content == lifecycle.file_bytes(task_id)


# Batch delete.

def batch_delete(api, document):
    return api.signed('/v2/%s/export-tasks/batch-delete' % api.emulator.project_id, method='POST', body=document)


def test_batch_delete_removes_the_tasks_and_answers_200_without_body(lifecycle, lifecycle_api):
    ids = [record['task_id'] for record in lifecycle.add_tasks([{} for _ in range(3)])]
    response = batch_delete(lifecycle_api, {'task_ids': ids[:2]})
    assert (response.status_code, response.content) == (200, b'')
    remaining = set(record['task_id'] for record in lifecycle.tasks())
    assert ids[2] in remaining and not remaining & set(ids[:2])
    listed = lifecycle_api.list_tasks(task_id=ids[0])
    assert listed == {'export_tasks': [], 'count': 0}


def test_batch_delete_of_200_ids_at_once(lifecycle, lifecycle_api):
    ids = [record['task_id'] for record in lifecycle.add_tasks([{'task_id': 'bulk-delete-%03d' % number} for number in range(200)])]
    assert batch_delete(lifecycle_api, {'task_ids': ids}).status_code == 200
    assert not set(ids) & set(record['task_id'] for record in lifecycle.tasks())


@pytest.mark.parametrize('document, named', [
    ({'task_ids': []}, '1 to 200'),
    ({'task_ids': ['t%d' % number for number in range(201)]}, '1 to 200'),
    ({'task_ids': ['same', 'same']}, 'repeat'),
    ({'task_ids': ['x' * 65]}, '1 to 64'),
    ({'task_ids': ['']}, '1 to 64'),
    ({'task_ids': [7]}, '1 to 64'),
    ({'task_ids': 'one'}, 'task_ids'),
    ({}, 'task_ids'),
    ([], 'task_ids'),
    (b'{"task_ids": [', 'JSON'),
])
def test_batch_delete_limits(lifecycle, lifecycle_api, document, named):
    response = batch_delete(lifecycle_api, document)
    assert response.status_code == 400, response.text
    assert response.json()['error_code'] == 'WKS.00000001' and named in response.json()['error_msg']


def test_batch_delete_with_an_unknown_id_deletes_nothing(lifecycle, lifecycle_api):
    [record] = lifecycle.add_tasks([{}])
    response = batch_delete(lifecycle_api, {'task_ids': [record['task_id'], 'no-such-task', 'gone-too']})
    assert (response.status_code, response.json()['error_code']) == (400, 'WKS.00010004')  # the page documents 400, 401, 500
    assert response.json()['error_msg'] == 'The export task(s) no-such-task, gone-too do not exist.'
    assert 'no-such-task' in response.json()['error_msg'] and record['task_id'] not in response.json()['error_msg']
    assert record['task_id'] in [task['task_id'] for task in lifecycle.tasks()]


def test_batch_delete_body_is_covered_by_the_signature(lifecycle, lifecycle_api):
    [record] = lifecycle.add_tasks([{}])
    signed = batch_delete(lifecycle_api, {'task_ids': ['no-such-task']})
    assert signed.status_code == 400 and signed.json()['error_code'] == 'WKS.00010004'
    # The same headers with another body: the payload hash no longer matches.
    headers = dict((name, value) for name, value in signed.request.headers.items() if name.lower() != 'content-length')
    tampered = lifecycle_api.session.post(signed.request.url, headers=headers, data=b'{"task_ids": ["%s"]}' % record['task_id'].encode(),
                                          timeout=10)
    assert tampered.status_code == 401 and 'signature' in tampered.json()['error_msg']
    assert record['task_id'] in [task['task_id'] for task in lifecycle.tasks()]
