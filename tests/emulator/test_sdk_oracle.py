# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The official SDK (huaweicloudsdkworkspace 3.1.219) as the oracle of the wire.

For every operation of the collection's API table (plugins/module_utils/_api.py OPERATIONS), cases that together use
every parameter of every request model are sent twice to one recording server on 127.0.0.1: once by the official SDK,
once by the collection's own functions. Method, path, the query (a multiset of pairs) and the JSON body must be the
same; both requests must pass the emulator's signature check, and a start must be read by the emulator to the same
parameters. A second test holds the emulator's parameter tables to the SDK's request models.
"""

import collections
import datetime
import http.server
import inspect
import json
import re
import threading
import urllib.parse

import pytest

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkworkspace import v2 as sdk
from huaweicloudsdkworkspace.v2 import WorkspaceClient as SdkWorkspaceClient

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import OPERATIONS as API_OPERATIONS, Workspace, open_workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._download import downloaded
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_writes import delete_tasks, start_export
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi

# tests/conftest.py puts the repository root on sys.path.
from tools.workspace_emulator.auth import Authenticator
from tools.workspace_emulator.exports import OPERATIONS as EMULATOR_OPERATIONS, match_operation
from tools.workspace_emulator.store import QueryError

ACCESS_KEY = 'ORACLEACCESSKEY00001'
SECRET_KEY = 'oracle-secret-key'
PROJECT_ID = '0e1d2c3b4a5968778695a4b3c2d1e0f1'
REGION = 'cn-north-4'
IAM_PATH = '/v3/projects'
SDK_TYPES = {'str': 'str', 'int': 'int', 'bool': 'bool', 'list[str]': 'list'}


def utc_text(days_ago):
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)).strftime('%Y-%m-%dT%H:%M:%SZ')


# (kind, SDK operation, parameters by their wire names, valued as the SDK's request model takes them). Together the
# cases of an operation use every parameter of its request model (test_the_cases_use_every_parameter_of_every_model).
START_CASES = [
    ('desktops', 'ExportDesktopListNew', {
        'computer_name': 'pc-1', 'computer_names': ['pc-1', 'pc,2'], 'desktop_ip': '192.168.0.10', 'desktop_id': 'd-1',
        'tag': 'env=prod', 'without_any_tag': False, 'language': 'zh_CN', 'enterprise_project_id': '0', 'desktop_type': 'POOLED',
        'status': 'ACTIVE', 'user_names': ['alice', 'bob'], 'sort_field': 'created', 'sort_type': 'DESC', 'user_attached': True,
        'image_id': 'img-1', 'charge_mode': '1', 'in_maintenance_mode': False, 'subnet_id': 'sn-1', 'connection_status_version': 'NEW',
        'pool_id': 'pool-1', 'include_pool': True, 'pool_name': 'pool a', 'pool_type': 'STATIC', 'pool_in_maintenance_mode': True,
        'pool_enterprise_project_id': 'ep-2'}),
    ('desktops', 'ExportDesktopListNew', {'language': 'en_US', 'user_names': ['carol', 'dave']}),
    ('users', 'ExportUsersNew', {
        'user_name': 'alice.b', 'user_names': ['alice', 'bob'], 'description': 'ops team', 'active_type': 'ADMIN_ACTIVATE',
        'language': 'en_US', 'enterprise_project_id': '0'}),
    ('user_groups', 'ExportUserGroupsNew', {'name': 'ops', 'group_ids': ['g-1', 'g-2'], 'language': 'zh_CN'}),
    ('group_users', 'ExportUserGroupUsersNew', {
        'group_id': 'group 1', 'user_name': 'alice', 'user_names': ['alice', 'bob'], 'description': 'd', 'active_type': 'USER_ACTIVATE',
        'group_name': 'ops', 'language': 'en_US', 'enterprise_project_id': '0'}),
    ('user_connections', 'ExportUserConnectionNew', {
        'start_time': utc_text(5), 'end_time': utc_text(1), 'user_name': 'alice', 'computer_name': 'pc-1', 'terminal_type': 'Windows 10',
        'language': 'en_US', 'min_e2e_rtt': 0, 'max_e2e_rtt': 300, 'enterprise_project_id': '0', 'public_ip': '203.0.113.5',
        'domain': 'example.com'}),
    ('desktop_usage', 'ExportDesktopUsageMetricNew', {
        'start_time': utc_text(100), 'end_time': utc_text(1), 'resource_name': 'pc', 'resource_id': 'r-1', 'min_idle_days': 1,
        'max_idle_days': 30, 'usage_min_hours': 0, 'usage_max_hours': 24, 'enterprise_project_id': '0',
        'sort_field': 'desktop_idle_duration', 'sort_type': 'ASC'}),
    ('user_usage', 'ExportUserUsageMetricNew', {
        'start_time': utc_text(20), 'end_time': utc_text(1), 'username': 'alice', 'usage_min_hours': 1, 'usage_max_hours': 8,
        'enterprise_project_id': '0', 'sort_field': 'user_usage', 'sort_type': 'DESC'}),
    ('desktop_versions', 'ExportDesktopVersionList', {
        'agent_version': '1.0.0', 'os_type': 'Windows', 'desktop_id': 'd-1', 'desktop_name': 'pc', 'username': 'alice', 'language': 'en_US'}),
    ('hosts', 'ExportHostsDetail', {
        'name': 'host', 'availability_zone': 'cn-north-4a', 'host_id': 'h-1', 'enterprise_project_id': '0', 'host_type': 'DEDICATED',
        'host_type_name': 'dedicated host', 'state': 'available', 'limit': 10, 'offset': 0, 'marker': 'h-0',
        'changes_since': '2026-08-27T09:49:58+08:00', 'sort_field': 'available_vcpus', 'sort_type': 'DESC', 'language': 'zh_CN'}),
    ('app_user_access', 'ExportAppUserAccessData', {
        'start_time': utc_text(3), 'end_time': utc_text(1), 'username': 'alice', 'sort_field': 'last_access_failed_time', 'sort_type': 'ASC'}),
    ('upgrade_strategies', 'ExportTenantUpgradeStrategies', {
        'strategy_name': 'default', 'strategy_type': 1, 'is_force_upgrade': 0, 'status': 1, 'strategy_priority': 3, 'language': 'en_US'}),
    ('terminal_bindings', 'ExportTerminalsBindingDesktopsInfoNew', {'language': 'en_US', 'computer_name': 'pc-1', 'mac': 'fa:16:3e:00:00:01'}),
]
# The list, download and delete calls: (operation, SDK request arguments), all their parameters used.
LIST_CASES = [
    {'file_name': 'DesktopList_1.xlsx', 'task_id': 't-1', 'status': 'SUCCESS', 'is_download': True, 'sort_field': 'create_time',
     'sort_type': 'DESC', 'offset': 100, 'limit': 100},
    {'is_download': False, 'offset': 0, 'limit': 1},
]
TASK_IDS = ['task-1', 'task 2']


def snake_case(operation):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', operation).lower()


def model_fields(operation):
    """The SDK request model's parameters of an operation: {wire name: SDK type}, the JSON body's when it has one."""
    model = getattr(sdk, operation + 'Request')
    if 'body' in model.openapi_types:
        model = getattr(sdk, model.openapi_types['body'])
    return dict((model.attribute_map[name], kind) for name, kind in model.openapi_types.items())


def required_fields(operation):
    """The parameters the SDK's model requires: generated models assign those unconditionally in __init__."""
    model = getattr(sdk, operation + 'Request')
    if 'body' in model.openapi_types:
        model = getattr(sdk, model.openapi_types['body'])
    assigned = set(re.findall(r'^        self\.(\w+) = \1$', inspect.getsource(model.__init__), re.MULTILINE))
    return set(model.attribute_map[name] for name in assigned if name in model.attribute_map)


def unordered_lists(parameters):
    """The parameters with each list sorted: the SDK sends a list's items sorted, as its signer orders the query."""
    return dict((name, sorted(value) if isinstance(value, list) else value) for name, value in parameters.items())


def sdk_request(operation, parameters):
    model = getattr(sdk, operation + 'Request')
    if 'body' in model.openapi_types:
        return model(body=getattr(sdk, model.openapi_types['body'])(**parameters))
    return model(**parameters)


class Recorder(http.server.ThreadingHTTPServer):
    """Records each request and answers as the service would, in the shape the caller expects."""

    daemon_threads = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), RecordingHandler)
        self.requests = []
        self.url = 'http://127.0.0.1:%d' % self.server_address[1]

    def take(self):
        """The one request received since the last take()."""
        taken, self.requests = self.requests, []
        assert len(taken) == 1, [(request['method'], request['path']) for request in taken]
        return taken[0]


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # the base class's name
        """Quiet."""

    def _answer(self):
        raw_path, _, raw_query = self.path.partition('?')
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        self.server.requests.append({'method': self.command, 'path': raw_path, 'query': raw_query, 'headers': self.headers, 'body': body})
        content_type = 'application/json;charset=UTF-8'
        if raw_path == IAM_PATH:
            answer = json.dumps({'projects': [{'id': PROJECT_ID, 'name': REGION}]}).encode()
        elif raw_path.endswith('/download'):
            answer, content_type = b'the exported file', 'application/octet-stream'
        elif raw_path.endswith('/batch-delete'):
            answer = b''
        elif raw_path.endswith('/export-tasks'):
            answer = b'{"export_tasks": [], "count": 0}'
        else:
            answer = b'{"task_id": "new-task"}'
        self.send_response(200)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = _answer  # pylint: disable=invalid-name


@pytest.fixture(scope='module')
def recorder():
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def official(recorder):
    """The official SDK's client, its endpoint the recorder."""
    credentials = BasicCredentials(ACCESS_KEY, SECRET_KEY, PROJECT_ID)
    return SdkWorkspaceClient.new_builder().with_http_config(HttpConfig.get_default_config()).with_credentials(credentials) \
        .with_endpoints([recorder.url]).build()


def collection_client(recorder, **settings):
    options = dict(endpoint=recorder.url, iam_endpoint=recorder.url, region=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                   retries=0, timeout=10)
    options.update(settings)
    return WorkspaceClient(resolve_connection(options, environ={}))


@pytest.fixture
def ours(recorder):
    """The collection's Workspace of the project, its endpoints the recorder."""
    with Workspace(collection_client(recorder, project_id=PROJECT_ID), PROJECT_ID) as workspace:
        yield workspace


def wire(request):
    """What the service reads of a request: method, path, the query as a multiset of pairs, the JSON body."""
    return (request['method'], request['path'], collections.Counter(urllib.parse.parse_qsl(request['query'], keep_blank_values=True)),
            json.loads(request['body']) if request['body'] else None)


def assert_signed(request):
    """The request passes the emulator's gateway check (signature, X-Sdk-Date, X-Project-Id on the Workspace API)."""
    authenticator = Authenticator(ACCESS_KEY, SECRET_KEY, [], PROJECT_ID)
    assert authenticator.authenticate(request['method'], request['path'], request['query'], request['headers'], request['body'],
                                      needs_project_header=request['path'] != IAM_PATH) == 'aksk'


def assert_same_wire(recorder, send_official, send_ours):
    send_official()
    by_sdk = recorder.take()
    send_ours()
    by_us = recorder.take()
    assert wire(by_us) == wire(by_sdk)
    for request in (by_sdk, by_us):
        assert_signed(request)
    return by_sdk, by_us


@pytest.mark.parametrize('kind, operation, parameters', START_CASES, ids=['%s-%d' % (case[0], number) for number, case in enumerate(START_CASES)])
def test_a_start_is_sent_as_the_sdk_sends_it(recorder, official, ours, kind, operation, parameters):
    options = dict(parameters)
    language = options.pop('language', None)
    requests = assert_same_wire(recorder, lambda: getattr(official, snake_case(operation))(sdk_request(operation, parameters)),
                                lambda: start_export(ours, kind, options, language=language))
    # The emulator reads both as the SDK meant them: every parameter, a list as its items.
    for request in requests:
        emulated, path_parameters = match_operation(request['method'], request['path'])
        assert emulated.name == operation
        read = emulated.parameters_from(urllib.parse.parse_qsl(request['query'], keep_blank_values=True), request['body'])
        read.update((name, value) for name, value in path_parameters.items() if name != 'project_id')
        assert unordered_lists(read) == unordered_lists(parameters)


@pytest.mark.parametrize('filters', LIST_CASES)
def test_a_listing_is_sent_as_the_sdk_sends_it(recorder, official, ours, filters):
    query = dict(filters)
    offset, limit = query.pop('offset'), query.pop('limit')
    assert_same_wire(recorder, lambda: official.list_export_tasks(sdk.ListExportTasksRequest(**filters)),
                     lambda: ExportTaskApi(ours).list_page(query, offset=offset, limit=limit))


@pytest.mark.parametrize('task_id', TASK_IDS)
def test_a_download_is_sent_as_the_sdk_sends_it(recorder, official, ours, task_id, tmp_path):
    assert_same_wire(recorder, lambda: official.download_export_file(sdk.DownloadExportFileRequest(task_id=task_id)),
                     lambda: download_file(ours, task_id, str(tmp_path)))


def download_file(workspace, task_id, directory):
    with downloaded(workspace, task_id, directory, 'file.xlsx'):
        pass


def test_a_deletion_is_sent_as_the_sdk_sends_it(recorder, official, ours):
    assert_same_wire(recorder, lambda: official.delete_export_tasks(sdk.DeleteExportTasksRequest(
        body=sdk.DeleteExportTaskRequestBody(task_ids=list(TASK_IDS)))), lambda: delete_tasks(ours, TASK_IDS))


def test_the_project_is_looked_up_as_the_sdk_looks_it_up(recorder):
    def official_lookup():
        # The SDK resolves the project of a region when it builds a client whose credentials name none (it caches
        # the answer per access key and region: a key of this test's own).
        credentials = BasicCredentials(ACCESS_KEY, SECRET_KEY).with_iam_endpoint(recorder.url)
        BasicCredentials._CACHE.pop(ACCESS_KEY + REGION, None)  # pylint: disable=protected-access
        SdkWorkspaceClient.new_builder().with_credentials(credentials).with_region(Region(REGION, recorder.url)).build()

    def our_lookup():
        with open_workspace(collection_client(recorder)) as workspace:
            assert workspace.project_id == PROJECT_ID

    assert_same_wire(recorder, official_lookup, our_lookup)


# Every operation that a test above sends both ways, and how.
CASES = dict([(operation, 'start') for _, operation, _ in START_CASES]
             + [('ListExportTasks', 'list'), ('DownloadExportFile', 'download'), ('DeleteExportTasks', 'delete'),
                ('KeystoneListProjects', 'project')])


def test_every_operation_of_the_api_table_has_a_case():
    assert sorted(set(API_OPERATIONS) - set(CASES)) == []


def test_the_cases_use_every_parameter_of_every_model():
    used = collections.defaultdict(set)
    for _, operation, parameters in START_CASES:
        used[operation].update(parameters)
    for filters in LIST_CASES:
        used['ListExportTasks'].update(filters)
    used['DownloadExportFile'].add('task_id')
    used['DeleteExportTasks'].add('task_ids')
    for operation, names in used.items():
        assert names == set(model_fields(operation)), operation
    # Lists of two items, both booleans.
    values = [value for _, _, parameters in START_CASES for value in parameters.values()]
    values += [value for filters in LIST_CASES for value in filters.values()]
    assert {True, False} <= set(value for value in values if isinstance(value, bool))
    assert all(len(value) == 2 for value in values if isinstance(value, list))


def test_the_emulators_parameter_tables_are_the_sdks_request_models():
    assert sorted(operation.name for operation in EMULATOR_OPERATIONS) == sorted(operation for operation, role in CASES.items() if role == 'start')
    for operation in EMULATOR_OPERATIONS:
        path_names = set(operation.path.groupindex) - {'project_id'}
        fields = model_fields(operation.name)
        assert set(operation.parameters) | path_names == set(fields), operation.name
        assert dict((name, parameter.kind) for name, parameter in operation.parameters.items()) == dict(
            (name, SDK_TYPES[fields[name]]) for name in operation.parameters), operation.name
        assert set(name for name, parameter in operation.parameters.items() if parameter.required) | path_names == \
            required_fields(operation.name), operation.name
        assert operation.source == ('body' if 'body' in getattr(sdk, operation.name + 'Request').openapi_types else 'query'), operation.name


def without_each_required_parameter():
    """(operation, its first case's parameters, one query or body parameter its SDK model requires), for each of them."""
    first_cases = {}
    for _, operation, parameters in START_CASES:
        first_cases.setdefault(operation, parameters)
    path_names = dict((emulated.name, set(emulated.path.groupindex)) for emulated in EMULATOR_OPERATIONS)
    return [(operation, parameters, required) for operation, parameters in first_cases.items()
            for required in sorted(required_fields(operation) - path_names[operation])]


@pytest.mark.parametrize('operation, parameters, required', without_each_required_parameter())
def test_the_emulator_refuses_a_start_without_a_parameter_the_sdk_requires(operation, parameters, required):
    emulated = next(emulated for emulated in EMULATOR_OPERATIONS if emulated.name == operation)
    given = dict((name, value) for name, value in parameters.items() if name != required and name not in emulated.path.groupindex)
    with pytest.raises(QueryError, match='%s is required by %s' % (required, operation)):
        if emulated.source == 'body':
            emulated.parameters_from([], json.dumps(given).encode())
        else:
            emulated.parameters_from([(name, str(item).lower() if isinstance(item, bool) else str(item))
                                      for name, value in given.items() for item in (value if isinstance(value, list) else [value])], b'')
