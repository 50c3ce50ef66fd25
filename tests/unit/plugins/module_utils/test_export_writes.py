# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export operations: parameters checked against the SDK's documented ones before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import inspect
import json
import re

import pytest

from urllib.parse import parse_qsl

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import OPERATIONS as API_OPERATIONS, Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_kinds import REQUIRED_LANGUAGE
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_writes import (
    KINDS,
    OPERATIONS,
    delete_tasks,
    start_export,
    validate_parameters,
    validate_task_ids,
)
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task

SDK_TYPES = {'str': 'str', 'int': 'int', 'bool': 'bool', 'list[str]': 'list'}


def sdk_model(operation):
    """The official SDK's request model of an operation (its JSON body's, when it has one)."""
    sdk = pytest.importorskip('huaweicloudsdkworkspace.v2')
    model = getattr(sdk, operation + 'Request')
    if 'body' in model.openapi_types:
        model = getattr(sdk, model.openapi_types['body'])
    return model


def sdk_required(model):
    """The parameters a generated SDK model requires: those its __init__ assigns unconditionally."""
    assigned = set(re.findall(r'^        self\.(\w+) = \1$', inspect.getsource(model.__init__), re.MULTILINE))
    return set(model.attribute_map[name] for name in assigned if name in model.attribute_map)


def utc(days_ago):
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)).strftime('%Y-%m-%dT%H:%M:%SZ')


@pytest.mark.parametrize('kind', KINDS)
def test_declarations_match_the_sdk_models(kind):
    operation = OPERATIONS[kind]
    model = sdk_model(operation.name)
    expected = dict((model.attribute_map[name], SDK_TYPES[kind_name]) for name, kind_name in model.openapi_types.items())
    assert expected.pop('language', None) == ('str' if operation.language else None)
    assert dict((name, parameter.kind) for name, parameter in operation.parameters.items()) == expected
    required = sdk_required(model)
    assert ('language' in required) == (operation.language == REQUIRED_LANGUAGE)
    assert set(name for name, parameter in operation.parameters.items() if parameter.required) == required - {'language'}
    request_model = getattr(pytest.importorskip('huaweicloudsdkworkspace.v2'), operation.name + 'Request')
    assert operation.location == ('body' if 'body' in request_model.openapi_types else 'query')


@pytest.mark.parametrize('name', [name for name, operation in API_OPERATIONS.items() if operation.service == 'workspace'])
def test_the_api_table_matches_the_sdk_client(name):
    from huaweicloudsdkworkspace.v2 import workspace_client
    source = inspect.getsource(workspace_client.WorkspaceClient)
    operation = API_OPERATIONS[name]
    sdk_name = re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()
    block = source.split('def _%s_http_info' % sdk_name, 1)[1][:600]
    assert '"method": "%s"' % operation.method in block
    assert '"resource_path": "%s"' % operation.path in block


@pytest.mark.parametrize('kind', KINDS)
def test_every_export_kind_is_an_operation_of_the_table_that_is_never_repeated(kind):
    assert API_OPERATIONS[OPERATIONS[kind].name].idempotent is False


@pytest.mark.parametrize('kind, parameters, language, expected', [
    ('desktops', {'status': 'ACTIVE', 'user_names': ['a', 'b'], 'without_any_tag': True}, 'en_US',
     {'status': 'ACTIVE', 'user_names': ['a', 'b'], 'without_any_tag': True, 'language': 'en_US'}),
    ('desktops', {'sort_field': 'created', 'sort_type': 'DESC', 'computer_name': None}, None,
     {'sort_field': 'created', 'sort_type': 'DESC', 'language': 'en_US'}),
    ('desktops', {'computer_names': ['pc,1', 'pc2']}, None, {'computer_names': ['pc,1', 'pc2'], 'language': 'en_US'}),
    ('desktop_versions', {'agent_version': '1.0.0', 'os_type': 'Windows'}, None,
     {'agent_version': '1.0.0', 'os_type': 'Windows', 'language': 'en_US'}),
    ('hosts', {'state': 'available', 'limit': 10, 'changes_since': '2015-08-27T09:49:58-05:00'}, 'zh_CN',
     {'state': 'available', 'limit': 10, 'changes_since': '2015-08-27T09:49:58-05:00', 'language': 'zh_CN'}),
    ('app_user_access', {'start_time': utc(3), 'end_time': utc(1), 'username': 'ann'}, None,
     {'start_time': utc(3), 'end_time': utc(1), 'username': 'ann'}),
    ('upgrade_strategies', {'strategy_type': 1, 'status': 0}, None, {'strategy_type': 1, 'status': 0, 'language': 'en_US'}),
    ('terminal_bindings', {'mac': 'fa:16:3e:00:00:01'}, 'zh_CN', {'mac': 'fa:16:3e:00:00:01', 'language': 'zh_CN'}),
    ('users', {'user_name': 'ann'}, None, {'user_name': 'ann'}),
    ('users', {'user_name': 'u' * 20, 'active_type': 'ADMIN_ACTIVATE'}, 'zh_CN',
     {'user_name': 'u' * 20, 'active_type': 'ADMIN_ACTIVATE', 'language': 'zh_CN'}),
    ('group_users', {'group_id': 'g1'}, None, {'group_id': 'g1'}),
    ('user_connections', {'start_time': utc(29), 'end_time': utc(0)}, None, {'start_time': utc(29), 'end_time': utc(0)}),
    ('desktop_usage', {'min_idle_days': 3, 'max_idle_days': 3, 'start_time': '2026-11-01T00:00:00.000Z',
                       'end_time': '2026-11-02T00:00:00Z'}, None,
     {'min_idle_days': 3, 'max_idle_days': 3, 'start_time': '2026-11-01T00:00:00.000Z', 'end_time': '2026-11-02T00:00:00Z'}),
])
def test_valid_parameters_pass(kind, parameters, language, expected):
    assert validate_parameters(kind, parameters, language) == expected


@pytest.mark.parametrize('kind, parameters, language, words', [
    ('desktops', {'colour': 'red'}, None, ['Unknown parameter(s) colour', 'kind desktops', 'computer_name', 'status']),
    ('desktops', {'status': 'RUNNING'}, None, ['parameters.status', 'ACTIVE, SHUTOFF, ERROR, HIBERNATED', "'RUNNING'"]),
    ('desktops', {'without_any_tag': 'yes'}, None, ['parameters.without_any_tag', 'a boolean']),
    ('desktops', {'user_names': 'alice'}, None, ['parameters.user_names', 'list']),
    ('desktops', {'user_names': ['u%d' % n for n in range(101)]}, None, ['parameters.user_names', 'at most 100']),
    ('desktops', {'sort_field': 'created'}, None, ['parameters.sort_field', 'parameters.sort_type', 'both']),
    ('desktops', {'charge_mode': 0}, None, ['parameters.charge_mode', 'a string']),
    ('desktops', {'language': 'en_US'}, None, ['language is an option of its own']),
    ('users', {'user_name': 'u' * 21}, None, ['parameters.user_name', '1 to 20 characters']),
    ('users', {'user_name': ''}, None, ['parameters.user_name', '1 to 20 characters']),
    ('users', {'user_name': '7up'}, None, ['parameters.user_name', 'not starting with a digit']),
    ('users', {'user_name': 'a b'}, None, ['parameters.user_name', 'letters, digits']),
    ('desktop_usage', {'start_time': '2026-11-01T00:00:00Z'}, None, ['parameters.end_time is required']),
    ('user_usage', {'end_time': '2026-11-01T00:00:00Z'}, None, ['parameters.start_time is required']),
    ('users', {'active_type': 'SELF'}, None, ['parameters.active_type', 'USER_ACTIVATE, ADMIN_ACTIVATE']),
    ('group_users', {}, None, ['parameters.group_id is required', 'group_users']),
    ('user_connections', {'min_e2e_rtt': 1.5}, None, ['parameters.min_e2e_rtt', 'an integer']),
    ('user_connections', {'min_e2e_rtt': True}, None, ['parameters.min_e2e_rtt', 'an integer']),
    ('user_connections', {'min_e2e_rtt': -1}, None, ['parameters.min_e2e_rtt', 'at least 0']),
    ('user_connections', {'min_e2e_rtt': 9, 'max_e2e_rtt': 3}, None, ['parameters.max_e2e_rtt', 'parameters.min_e2e_rtt']),
    ('user_connections', {'start_time': 'yesterday'}, None, ['parameters.start_time', '2026-11-28T09:30:00Z']),
    ('user_connections', {'start_time': utc(29), 'end_time': utc(-2)}, None, ['start_time', 'end_time', '30 days']),
    ('user_usage', {'start_time': '2026-11-28T00:00:00Z', 'end_time': '2026-11-27T00:00:00Z'}, None,
     ['parameters.end_time', 'before']),
    ('desktop_usage', {'start_time': '2026-11-01T00:00:00Z', 'end_time': '2026-11-02T00:00:00Z'}, 'en_US',
     ['language does not apply to kind desktop_usage', 'desktops']),
    ('users', {}, 'fr_FR', ['language', 'zh_CN, en_US']),
    ('lamps', {}, None, ['kind must be one of', 'desktops, users']),
    ('desktop_versions', {'os_type': 'Windows'}, None, ['parameters.agent_version is required', 'desktop_versions']),
    ('hosts', {'state': 'lost'}, None, ['parameters.state', 'available, fault, released']),
    ('hosts', {'changes_since': 'last week'}, None, ['parameters.changes_since', 'ISO 8601']),
    ('hosts', {'limit': '10'}, None, ['parameters.limit', 'an integer']),
    ('app_user_access', {'start_time': utc(2)}, None, ['parameters.end_time is required']),
    ('app_user_access', {'start_time': utc(2), 'end_time': utc(1)}, 'en_US', ['language does not apply', 'app_user_access']),
    ('app_user_access', {'start_time': utc(2), 'end_time': utc(1), 'sort_type': 'ASC'}, None, ['parameters.sort_field', 'both']),
    ('upgrade_strategies', {'strategy_type': 2}, None, ['parameters.strategy_type', 'one of 0, 1']),
    ('upgrade_strategies', {'is_force_upgrade': True}, None, ['parameters.is_force_upgrade', 'an integer']),
    ('terminal_bindings', {'computer_names': ['pc']}, None, ['Unknown parameter(s) computer_names', 'computer_name, mac']),
    ('user_connections', {'start_time': utc(40), 'end_time': utc(35)}, None, ['parameters.start_time', 'last 30 days']),
    ('desktop_usage', {'start_time': utc(200), 'end_time': utc(190)}, None, ['parameters.start_time', 'last 180 days']),
    ('group_users', {'group_id': '..'}, None, ['parameters.group_id of kind group_users', '"." and ".."']),
    ('group_users', {'group_id': '.'}, None, ['parameters.group_id of kind group_users', '"." and ".."']),
])
def test_invalid_parameters_fail_naming_the_key(kind, parameters, language, words):
    with pytest.raises(WorkspaceConfigError) as caught:
        validate_parameters(kind, parameters, language)
    for word in words:
        assert word in str(caught.value)


def test_parameters_must_be_a_dict():
    with pytest.raises(WorkspaceConfigError, match='parameters must be a dictionary'):
        validate_parameters('users', ['user_name'])


def test_task_ids_are_checked_and_deduplicated():
    assert validate_task_ids(['b', 'a', 'b']) == ['b', 'a']
    for bad in ('', 'x' * 65):
        with pytest.raises(WorkspaceConfigError, match='1 to 64 characters'):
            validate_task_ids(['ok', bad])


# --- against a real local HTTP server --------------------------------------------------------------------------

def make_client(url, **options):
    settings = dict(endpoint=url, project_id='proj', access_key='AK', secret_key='SK-secret', retries=2, timeout=5)
    settings.update(options)
    return Workspace(WorkspaceClient(resolve_connection(settings, environ={}), sleep=lambda seconds: None), 'proj')


def test_query_kind_sends_its_parameters_in_the_query_and_returns_the_task_id(server):
    server.queue.append(Answer(200, {'task_id': 'new-1'}))
    with make_client(server.url) as client:
        task_id = start_export(client, 'desktops', {'status': 'ACTIVE', 'user_names': ['ann', 'bob'],
                                                    'without_any_tag': False}, 'zh_CN')
    assert task_id == 'new-1'
    request, = server.requests
    assert (request['method'], request['path']) == ('GET', '/v3/proj/desktops/export')
    # a list as one pair per item, the name repeated, as the SDKs send it
    assert sorted(parse_qsl(request['raw_query'])) == [('language', 'zh_CN'), ('status', 'ACTIVE'), ('user_names', 'ann'),
                                                       ('user_names', 'bob'), ('without_any_tag', 'false')]
    assert request['body'] == b'' and request['headers']['Authorization'].startswith('SDK-HMAC-SHA256 ')


def test_path_parameter_goes_into_the_path(server):
    server.queue.append(Answer(200, {'task_id': 'new-2'}))
    with make_client(server.url) as client:
        start_export(client, 'group_users', {'group_id': 'g/1', 'active_type': 'USER_ACTIVATE'})
    request, = server.requests
    assert request['path'] == '/v3/proj/groups/g%2F1/users/export'
    assert request['query'] == {'active_type': 'USER_ACTIVATE'}


def test_body_kind_sends_its_parameters_as_json(server):
    server.queue.append(Answer(200, {'task_id': 'new-3'}))
    with make_client(server.url) as client:
        assert start_export(client, 'users', {'user_names': ['ann'], 'description': None}, 'en_US') == 'new-3'
    request, = server.requests
    assert (request['method'], request['path'], request['query']) == ('POST', '/v3/proj/users/export', {})
    assert json.loads(request['body'].decode()) == {'user_names': ['ann'], 'language': 'en_US'}
    assert request['headers']['Content-Type'] == 'application/json'


@pytest.mark.parametrize('kind, parameters', [('desktops', {'status': 'OFF'}), ('group_users', {'group_id': '..'}),
                                              ('desktops', {'computer_names': 'pc1'}),
                                              ('desktop_versions', {'agent_version': '1.0'})])
def test_bad_parameters_send_nothing(server, kind, parameters):
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceConfigError, match='parameters.'):
            start_export(client, kind, parameters)
    assert server.requests == []


def test_a_start_is_not_repeated_after_a_read_time_out(server):
    server.queue.append(Answer(200, {'task_id': 'late'}, delay=1.5))
    with make_client(server.url, timeout=0.5) as client:
        with pytest.raises(WorkspaceTransportError, match='timed out'):
            start_export(client, 'user_groups', {'name': 'ops'})
    assert len(server.requests) == 1


def test_a_start_that_certainly_did_not_arrive_is_retried(server):
    server.queue.append(Answer(503, {'error_code': 'WKS.503', 'error_msg': 'busy'}))
    server.queue.append(Answer(200, {'task_id': 'second'}))
    with make_client(server.url) as client:
        assert start_export(client, 'user_groups', {}) == 'second'
    assert len(server.requests) == 2


def test_a_start_that_may_have_arrived_is_not_retried(server):
    server.queue.append(Answer(500, {'error_code': 'WKS.500', 'error_msg': 'oops'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError) as caught:
            start_export(client, 'user_groups', {})
    assert caught.value.status == 500 and len(server.requests) == 1


def test_an_answer_without_task_id_is_an_api_error(server):
    server.queue.append(Answer(200, {'job': 'x'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError, match='lacks task_id'):
            start_export(client, 'user_usage', {'start_time': '2026-11-01T00:00:00Z', 'end_time': '2026-11-02T00:00:00Z'})


def test_delete_sends_batches_of_200(server):
    server.default = lambda request: Answer(200, raw=b'')
    task_ids = ['t%03d' % number for number in range(450)]
    with make_client(server.url) as client:
        delete_tasks(client, task_ids + ['t001'])
    assert [request['path'] for request in server.requests] == ['/v2/proj/export-tasks/batch-delete'] * 3
    batches = [json.loads(request['body'].decode())['task_ids'] for request in server.requests]
    assert [len(batch) for batch in batches] == [200, 200, 50]
    assert sum(batches, []) == task_ids


def test_delete_is_retried_after_a_drop(server):
    server.queue.append(Answer(drop=True))
    server.default = lambda request: Answer(200, raw=b'')
    with make_client(server.url) as client:
        delete_tasks(client, ['a'])
    assert len(server.requests) == 2


@pytest.mark.parametrize('refusal', [
    Answer(404, {'error_code': 'WKS.00010004', 'error_msg': 'unknown task-0001'}),
    Answer(400, {'error_code': 'WKS.00010004', 'error_msg': 'The export task(s) task-0001 do not exist.'}),
    Answer(400, {'error_code': 'WKS.00000099', 'error_msg': 'The export task(s) task-0001 do not exist.'}),
])
def test_delete_after_a_lost_answer_accepts_a_404_or_a_400_naming_the_vanished_ids(server, refusal):
    # The first attempt deleted task-0001 but its answer was lost; the retry is refused for task-0001.
    server.tasks = [make_task(3)]
    server.queue.append(Answer(drop=True))
    server.queue.append(refusal)
    with make_client(server.url) as client:
        server.default = lambda request: (Answer(200, raw=b'') if request['method'] == 'POST'
                                          else server.serve_tasks(request))
        delete_tasks(client, ['task-0001', 'task-0003'])
    posts = [json.loads(r['body'].decode())['task_ids'] for r in server.requests if r['method'] == 'POST']
    assert posts == [['task-0001', 'task-0003'], ['task-0001', 'task-0003'], ['task-0003']]


def test_a_400_that_names_no_vanished_task_stands(server):
    server.tasks = [make_task(1), make_task(3)]
    server.queue.append(Answer(400, {'error_code': 'WKS.00000001', 'error_msg': 'Invalid parameter: task_ids'}))
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError, match='HTTP 400'):
            delete_tasks(client, ['task-0001', 'task-0003'])
    assert len(server.requests) == 1


def test_a_400_naming_tasks_that_all_still_exist_stands_after_one_look(server):
    server.tasks = [make_task(1)]
    server.queue.append(Answer(400, {'error_code': 'WKS.00010004', 'error_msg': 'The export task(s) task-0001 do not exist.'}))
    server.default = server.serve_tasks
    with make_client(server.url) as client:
        with pytest.raises(WorkspaceApiError, match='WKS.00010004'):
            delete_tasks(client, ['task-0001'])
    assert [r['method'] for r in server.requests] == ['POST', 'GET']


def test_delete_finds_a_downloaded_task_when_the_service_hides_it(server):
    server.cloud.hide_downloaded = True
    server.tasks = [make_task(3, is_download=True)]
    server.queue.append(Answer(400, {'error_code': 'WKS.00010004', 'error_msg': 'The export task(s) task-0001 do not exist.'}))
    server.default = lambda request: (Answer(200, raw=b'') if request['method'] == 'POST' else server.serve_tasks(request))
    with make_client(server.url) as client:
        delete_tasks(client, ['task-0001', 'task-0003'])
    posts = [json.loads(r['body'].decode())['task_ids'] for r in server.requests if r['method'] == 'POST']
    assert posts == [['task-0001', 'task-0003'], ['task-0003']]
