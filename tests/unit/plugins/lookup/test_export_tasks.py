# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The hwcloud.workspace.export_tasks lookup, loaded by Ansible's plugin loader, against a real HTTP server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import sys

import pytest

from ansible.errors import AnsibleLookupError

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task

from .conftest import PROJECT_ID

FIELDS = {'task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time', 'is_download'}


def export_requests(api):
    return [request for request in api.requests if request['path'].endswith('/export-tasks')]


def access_key_of(request):
    return request['headers']['Authorization'].split('Access=', 1)[1].split(',', 1)[0]


def test_documented_options_match_the_contract(lookup):
    options = lookup.option_definitions
    for name in ('file_name', 'status', 'is_download', 'sort_field', 'sort_type', 'query', 'access_key', 'secret_key',
                 'security_token', 'auth_token', 'region', 'project_id', 'endpoint', 'iam_endpoint',
                 'validate_certs', 'timeout', 'retries'):
        assert name in options, name
    assert options['status']['choices'] == ['CREATING', 'SUCCESS', 'FAIL', 'EXPIRED']
    assert options['sort_type']['choices'] == ['ASC', 'DESC']
    assert options['is_download']['type'] == 'bool'
    assert [entry['name'] for entry in options['region']['vars']] == ['hwcloud_workspace_region']


def test_no_terms_returns_every_task_of_every_page(lookup, api, connection):
    api.tasks = [make_task(number) for number in range(150)]
    result = lookup.run([], variables={}, **connection)
    assert [task['task_id'] for task in result] == ['task-%04d' % number for number in range(150)]
    assert all(set(task) == FIELDS for task in result)
    pages = export_requests(api)
    assert [(page['query']['offset'], page['query']['limit']) for page in pages] == [('0', '100'), ('99', '100')]
    assert pages[0]['query']['sort_field'] == 'create_time' and pages[0]['query']['sort_type'] == 'ASC'


def test_records_hold_exactly_the_api_fields(lookup, api, connection):
    api.tasks = [dict(make_task(1), extra='not documented')]
    assert lookup.run([], variables={}, **connection) == [make_task(1)]


def test_filters_become_query_parameters(lookup, api, connection):
    api.tasks = [make_task(1), make_task(2, file_name='wanted.xlsx'), make_task(3, file_name='wanted.xlsx', is_download=True)]
    result = lookup.run([], variables={}, status='SUCCESS', file_name='wanted.xlsx', is_download=False,
                        sort_field='create_time', sort_type='DESC', **connection)
    assert [task['task_id'] for task in result] == ['task-0002']
    (request,) = export_requests(api)
    assert request['query'] == dict(status='SUCCESS', file_name='wanted.xlsx', is_download='false',
                                    sort_field='create_time', sort_type='DESC', offset='0', limit='100')


def test_is_download_accepts_ansible_booleans(lookup, api, connection):
    api.tasks = [make_task(1, is_download=True), make_task(2)]
    assert [task['task_id'] for task in lookup.run([], variables={}, is_download='yes', **connection)] == ['task-0001']
    assert export_requests(api)[0]['query']['is_download'] == 'true'


def test_filters_that_are_not_set_are_not_sent(lookup, api, connection):
    lookup.run([], variables={}, **connection)
    (request,) = export_requests(api)
    assert set(request['query']) == {'sort_field', 'sort_type', 'offset', 'limit'}


def test_terms_are_task_ids_in_the_order_given(lookup, api, connection):
    api.tasks = [make_task(number) for number in range(5)]
    result = lookup.run(['task-0003', 'task-0001'], variables={}, **connection)
    assert [task['task_id'] for task in result] == ['task-0003', 'task-0001']


def test_a_list_term_is_flattened(lookup, api, connection):
    api.tasks = [make_task(number) for number in range(5)]
    result = lookup.run([['task-0004', 'task-0002'], 'task-0000'], variables={}, **connection)
    assert [task['task_id'] for task in result] == ['task-0004', 'task-0002', 'task-0000']


def test_one_term_asks_for_that_task_only(lookup, api, connection):
    api.tasks = [make_task(number) for number in range(5)]
    assert lookup.run(['task-0002'], variables={}, **connection) == [make_task(2)]
    (request,) = export_requests(api)
    assert request['query']['task_id'] == 'task-0002'


def test_a_task_that_does_not_match_the_filters_is_not_found(lookup, api, connection):
    api.tasks = [make_task(1), make_task(2, status='FAIL')]
    with pytest.raises(AnsibleLookupError, match='Unknown export task ID.*: task-0002$'):
        lookup.run(['task-0001', 'task-0002'], variables={}, status='SUCCESS', **connection)


def test_unknown_task_id_is_named(lookup, api, connection):
    api.tasks = [make_task(1)]
    with pytest.raises(AnsibleLookupError, match='Unknown export task ID.*: task-9999'):
        lookup.run(['task-0001', 'task-9999'], variables={}, **connection)


@pytest.mark.parametrize('term', ['', '   ', 42, None])
def test_bad_terms_are_rejected_before_any_request(lookup, api, connection, term):
    with pytest.raises(AnsibleLookupError, match='task IDs'):
        lookup.run([term], variables={}, **connection)
    assert api.requests == []


def test_query_with_a_list_result(lookup, api, connection):
    api.tasks = [make_task(1), make_task(2, status='FAIL'), make_task(3)]
    assert lookup.run([], variables={}, query='[].task_id', **connection) == ['task-0001', 'task-0002', 'task-0003']
    result = lookup.run([], variables={}, query="[?status=='SUCCESS'].file_name", **connection)
    assert result == ['export-0001.xlsx', 'export-0003.xlsx']


@pytest.mark.parametrize('expression, expected', [
    ('length(@)', [3]),
    ('[0].status', ['SUCCESS']),
    ('[0].{id: task_id, done: is_download}', [{'id': 'task-0001', 'done': False}]),
    ("contains([].status, 'CREATING')", [True]),
    ("[?status=='EXPIRED'] | [0]", [None]),
])
def test_query_with_a_scalar_result_is_wrapped_in_a_list(lookup, api, connection, expression, expected):
    api.tasks = [make_task(1), make_task(2, status='CREATING'), make_task(3)]
    assert lookup.run([], variables={}, query=expression, **connection) == expected


def test_query_applies_to_the_tasks_of_the_terms(lookup, api, connection):
    api.tasks = [make_task(1), make_task(2, status='CREATING')]
    assert lookup.run(['task-0002'], variables={}, query='[].status', **connection) == ['CREATING']


@pytest.mark.parametrize('expression', ['[?status==', '[].[', 'foo(@)', ''])
def test_bad_query_is_rejected_before_any_request(lookup, api, connection, expression):
    with pytest.raises(AnsibleLookupError, match='query') as raised:
        lookup.run([], variables={}, query=expression, **connection)
    assert 'JMESPath' in str(raised.value)
    assert api.requests == []


def test_query_failing_on_the_data_is_a_lookup_error(lookup, api, connection):
    api.tasks = [make_task(1)]
    with pytest.raises(AnsibleLookupError, match="query 'length\\(\\[0\\].is_download\\)' failed"):
        lookup.run([], variables={}, query='length([0].is_download)', **connection)


def test_missing_jmespath_fails_only_with_query(lookup, api, connection, monkeypatch):
    monkeypatch.setattr(sys.modules[type(lookup).__module__], 'jmespath', None)
    api.tasks = [make_task(1)]
    assert lookup.run([], variables={}, **connection) == [make_task(1)]
    api.requests[:] = []
    with pytest.raises(AnsibleLookupError, match='query needs the Python library jmespath'):
        lookup.run([], variables={}, query='[].task_id', **connection)
    assert api.requests == []


@pytest.mark.parametrize('options, message', [
    (dict(status='DONE'), '^value of status must be one of: CREATING, SUCCESS, FAIL, EXPIRED, got: DONE$'),
    (dict(sort_type='UP', sort_field='create_time'), '^value of sort_type must be one of: ASC, DESC, got: UP$'),
    (dict(sort_field='name', sort_type='ASC'), '^value of sort_field must be one of: create_time, got: name$'),
    (dict(sort_field='create_time'), '^parameters are required together: sort_field, sort_type$'),
    (dict(sort_type='DESC'), '^parameters are required together: sort_field, sort_type$'),
    (dict(is_download='maybe'), "^argument 'is_download' is of type str and we were unable to convert "
                                "to bool: The value 'maybe' is not a valid boolean"),
    (dict(validate_certs='flase'), "^argument 'validate_certs' is of type str and we were unable to "
                                   "convert to bool"),
    (dict(timeout='soon'), "^argument 'timeout' is of type str and we were unable to convert to "
                           "float: str cannot be converted to a float$"),
    (dict(stauts='SUCCESS'), '^unknown option.*stauts; the options are access_key, '),
    (dict(task_id='task-0001'), '^unknown option.*task_id.*give task IDs as terms'),
    (dict(limit=10), '^unknown option.*limit'),
    (dict(_terms=['task-0001']), '^unknown option.*_terms'),
])
def test_invalid_options_are_rejected_before_any_request(lookup, api, connection, options, message):
    """The module's words (ansible-core's ArgumentSpecValidator): the same message as export_task_info gives."""
    with pytest.raises(AnsibleLookupError, match=message) as raised:
        lookup.run([], variables={}, **dict(connection, **options))
    assert api.requests == []
    assert 'Ansible' not in str(raised.value), 'an internal class name'


def test_every_bad_option_in_one_message(lookup, api, connection):
    with pytest.raises(AnsibleLookupError) as raised:
        lookup.run([], variables={}, **dict(connection, status='DONE', retries='many', colour='blue'))
    message = str(raised.value)
    assert message.startswith('unknown option(s) colour; ')
    assert 'value of status must be one of' in message and "argument 'retries'" in message
    assert api.requests == []


def test_invalid_variable_names_the_variable(lookup, api, connection):
    with pytest.raises(AnsibleLookupError, match="^argument 'hwcloud_workspace_retries' is of type str "
                                                 "and we were "
                                                 "unable to convert to int"):
        lookup.run([], variables=dict(hwcloud_workspace_retries='many'), endpoint=api.url, project_id=PROJECT_ID,
                   access_key='AK', secret_key='SK')
    assert api.requests == []
    # A keyword wins: the variable is not looked at.
    assert lookup.run([], variables=dict(hwcloud_workspace_retries='many'), **connection) == []


@pytest.mark.parametrize('source', ['keyword', 'variable'])
def test_a_type_error_names_no_internal_class(lookup, api, connection, source):
    """Values read from YAML are ansible-core's own str classes (AnsibleUnicode before 2.19, _AnsibleTaggedStr
    after): the message is the shipped module's, on every ansible-core."""
    from ansible.parsing.dataloader import DataLoader

    loaded = DataLoader().load('value: many\n')['value']
    keywords = dict(connection)
    del keywords['retries']
    variables = {}
    if source == 'keyword':
        keywords['retries'] = loaded
    else:
        variables['hwcloud_workspace_retries'] = loaded
    with pytest.raises(AnsibleLookupError) as raised:
        lookup.run([], variables=variables, **keywords)
    name = 'retries' if source == 'keyword' else 'hwcloud_workspace_retries'
    assert re.match("argument '%s' is of type str and we were unable to convert to int" % name,
                    str(raised.value))
    assert 'Ansible' not in str(raised.value)
    assert api.requests == []


def test_connection_from_variables(lookup, api):
    api.tasks = [make_task(1)]
    variables = dict(hwcloud_workspace_endpoint=api.url, hwcloud_workspace_project_id=PROJECT_ID,
                     hwcloud_workspace_access_key='AKFROMVARS', hwcloud_workspace_secret_key='SKFROMVARS',
                     hwcloud_workspace_retries=0)
    assert lookup.run([], variables=variables) == [make_task(1)]
    (request,) = export_requests(api)
    assert access_key_of(request) == 'AKFROMVARS'
    assert request['headers']['X-Project-Id'] == PROJECT_ID


def test_auth_token_from_variables(lookup, api):
    api.tasks = [make_task(1)]
    variables = dict(hwcloud_workspace_endpoint=api.url, hwcloud_workspace_project_id=PROJECT_ID,
                     hwcloud_workspace_auth_token='TOKEN-FROM-VARS')
    assert lookup.run([], variables=variables) == [make_task(1)]
    (request,) = export_requests(api)
    assert request['headers']['X-Auth-Token'] == 'TOKEN-FROM-VARS'
    assert 'Authorization' not in request['headers']


def test_keywords_win_over_variables_and_variables_over_environment(lookup, api, monkeypatch):
    monkeypatch.setenv('HUAWEICLOUD_SDK_AK', 'AKFROMENV')
    monkeypatch.setenv('HUAWEICLOUD_SDK_SK', 'SKFROMENV')
    variables = dict(hwcloud_workspace_endpoint=api.url, hwcloud_workspace_project_id=PROJECT_ID,
                     hwcloud_workspace_access_key='AKFROMVARS', hwcloud_workspace_secret_key='SKFROMVARS')
    lookup.run([], variables=variables)
    lookup.run([], variables=variables, access_key='AKFROMKEYWORD', secret_key='SKFROMKEYWORD')
    assert [access_key_of(request) for request in export_requests(api)] == ['AKFROMVARS', 'AKFROMKEYWORD']


@pytest.mark.parametrize('environment, expected', [
    (dict(HUAWEICLOUD_SDK_AK='AK-SDK', HW_ACCESS_KEY='AK-HW', HUAWEICLOUD_SDK_SK='SK-SDK', HW_SECRET_KEY='SK-HW'), 'AK-SDK'),
    (dict(HW_ACCESS_KEY='AK-HW', HW_SECRET_KEY='SK-HW'), 'AK-HW'),
    (dict(HUAWEICLOUD_SDK_AK='AK-SDK', HUAWEICLOUD_SDK_SK='SK-SDK'), 'AK-SDK'),
])
def test_environment_precedence_follows_the_contract(lookup, api, monkeypatch, environment, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv('HW_WORKSPACE_ENDPOINT', api.url)
    monkeypatch.setenv('HW_PROJECT_ID', 'ignored-because-sdk-variable-wins')
    monkeypatch.setenv('HUAWEICLOUD_SDK_PROJECT_ID', PROJECT_ID)
    assert lookup.run([], variables={}) == []
    (request,) = export_requests(api)
    assert access_key_of(request) == expected
    assert request['path'] == '/v2/%s/export-tasks' % PROJECT_ID


def test_project_id_is_resolved_from_region_in_iam(lookup, api):
    api.tasks = [make_task(1)]
    result = lookup.run([], variables={}, endpoint=api.url, iam_endpoint=api.url, region='cn-north-4',
                        access_key='AK', secret_key='SK')
    assert result == [make_task(1)]
    assert [request['path'] for request in api.requests] == ['/v3/projects', '/v2/%s/export-tasks' % PROJECT_ID]
    assert api.requests[0]['query'] == {'name': 'cn-north-4'}


def test_api_error_gives_the_modules_message(lookup, api, connection):
    error = {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information'}
    api.queue.append(Answer(401, error, {'X-Request-Id': 'req-42'}))
    with pytest.raises(AnsibleLookupError) as raised:
        lookup.run([], variables={}, **connection)
    message = str(raised.value)
    assert message.startswith('GET %s/v2/%s/export-tasks?' % (api.url, PROJECT_ID))
    assert 'failed with HTTP 401: error_code=APIGW.0301, error_msg=Incorrect IAM authentication information, ' \
           'request_id=req-42' in message
    assert connection['secret_key'] not in message
    assert raised.value.__cause__ is None


def test_server_errors_are_retried(lookup, api, connection, monkeypatch):
    api.queue.append(Answer(503, {'error_code': 'WKS.503', 'error_msg': 'busy'}, {'Retry-After': '0'}))
    api.tasks = [make_task(1)]
    assert lookup.run([], variables={}, **dict(connection, retries=1)) == [make_task(1)]
    assert len(api.requests) == 2


def test_connection_failure_is_a_lookup_error(lookup, api, connection):
    url = api.url
    api.close()
    with pytest.raises(AnsibleLookupError, match='GET %s/v2/.* failed after 1 attempt' % url) as raised:
        lookup.run([], variables={}, **connection)
    assert connection['secret_key'] not in str(raised.value)


@pytest.mark.parametrize('options, message', [
    (dict(auth_token='TOKEN-secret', access_key='AK', secret_key='SK-secret'), 'mutually exclusive'),
    (dict(access_key='AK'), 'secret_key is not'),
    (dict(secret_key='SK-secret'), 'access_key is not'),
    (dict(), 'No credentials'),
    (dict(access_key='AK', secret_key='SK-secret', endpoint=None), 'Set region .* or endpoint'),
    (dict(access_key='AK', secret_key='SK-secret', endpoint='ftp://x'), 'endpoint must be an http'),
])
def test_configuration_errors_name_the_option_and_hide_secrets(lookup, api, options, message):
    keywords = dict(endpoint=api.url, project_id=PROJECT_ID)
    keywords.update(options)
    with pytest.raises(AnsibleLookupError, match=message) as raised:
        lookup.run([], variables={}, **keywords)
    assert 'secret' not in str(raised.value).replace('secret_key', '')
    assert api.requests == []


def test_one_session_per_call(lookup, api, connection, monkeypatch):
    from ansible_collections.hwcloud.workspace.plugins.module_utils import _client
    sessions = []
    closed = []
    original = _client.requests.Session

    class RecordingSession(original):
        def __init__(self):
            super(RecordingSession, self).__init__()
            sessions.append(self)

        def close(self):
            closed.append(self)
            super(RecordingSession, self).close()

    monkeypatch.setattr(_client.requests, 'Session', RecordingSession)
    api.tasks = [make_task(number) for number in range(250)]
    lookup.run(['task-0001', 'task-0002', 'task-0200'], variables={}, **connection)
    assert len(sessions) == 1 and closed == sessions


def test_variables_holding_templates_are_templated(api):
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import lookup_loader
    from ansible.template import Templar
    try:
        from ansible.template import trust_as_template
    except ImportError:  # before ansible-core 2.19 every string is a template
        def trust_as_template(value):
            return value

    api.tasks = [make_task(1)]
    variables = dict(endpoint_url=api.url, vault_sk='SK-from-vault',
                     hwcloud_workspace_endpoint=trust_as_template('{{ endpoint_url }}'),
                     hwcloud_workspace_project_id=PROJECT_ID, hwcloud_workspace_access_key='AK',
                     hwcloud_workspace_secret_key=trust_as_template('{{ vault_sk }}'),
                     unrelated=trust_as_template('{{ undefined_variable }}'))
    loader = DataLoader()
    plugin = lookup_loader.get('hwcloud.workspace.export_tasks', loader=loader, templar=Templar(loader, variables=variables))
    assert plugin.run([], variables=variables) == [make_task(1)]
    assert export_requests(api)[0]['path'] == '/v2/%s/export-tasks' % PROJECT_ID
