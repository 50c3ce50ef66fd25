# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_task in-process against a local HTTP server: bad input sends nothing; start once; wait; delete."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from urllib.parse import parse_qsl

import pytest


from ansible_collections.hwcloud.workspace.plugins.modules import export_task
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task

MODULE = export_task
SECRET = 'export-task-secret-value'


@pytest.mark.parametrize('args, words', [
    ({'kind': 'desktops', 'parameters': {'colour': 'red'}}, ['Unknown parameter(s) colour', 'computer_name']),
    ({'kind': 'desktops', 'parameters': {'status': 'ON'}}, ['parameters.status', 'ACTIVE']),
    ({'kind': 'users', 'parameters': {'user_name': 'x' * 21}}, ['parameters.user_name', '1 to 20']),
    ({'kind': 'desktop_usage', 'language': 'en_US',
      'parameters': {'start_time': '2026-11-01T00:00:00Z', 'end_time': '2026-11-02T00:00:00Z'}},
     ['language does not apply to kind desktop_usage']),
    ({'kind': 'user_usage'}, ['parameters.start_time is required']),
    ({'kind': 'printers'}, ['kind', 'desktops']),
    ({'kind': 'users', 'language': 'de_DE'}, ['language', 'zh_CN, en_US']),
    ({}, ['state is present', 'kind']),
    ({'state': 'absent'}, ['state is absent', 'task_ids']),
    ({'state': 'absent', 'task_ids': ['x' * 65]}, ['task_ids', '1 to 64']),
    ({'kind': 'users', 'wait': True, 'wait_sleep': 0}, ['wait_sleep']),
    ({'kind': 'users', 'wait': True, 'wait_timeout': -1}, ['wait_timeout']),
    ({'kind': 'users', 'secret_key': None}, ['secret_key']),
])
def test_bad_input_fails_naming_the_option_before_any_request(server, connection, run_module, args, words):
    result = run_module(dict(connection, **args))
    assert result['failed'] is True
    for word in words:
        assert word in result['msg']
    assert server.requests == []
    assert 'Traceback' not in result['msg'] and SECRET not in json.dumps(result)


def test_check_mode_starts_nothing_and_reports_changed(server, connection, run_module):
    result = run_module(dict(connection, kind='desktops', parameters={'status': 'ACTIVE'}, _ansible_check_mode=True))
    assert result['changed'] is True and result['task_id'] is None and result['export_task'] is None
    assert server.requests == []


def test_absent_check_mode_lists_what_would_be_deleted(server, connection, run_module):
    server.tasks = [make_task(n) for n in range(3)]
    result = run_module(dict(connection, state='absent', task_ids=['task-0001', 'ghost', 'task-0002'],
                             _ansible_check_mode=True))
    assert result['changed'] is True
    assert result['deleted_task_ids'] == ['task-0001', 'task-0002'] and result['missing_task_ids'] == ['ghost']
    assert [request['method'] for request in server.requests] == ['GET'] * len(server.requests)


def test_absent_with_only_unknown_ids_changes_nothing(server, connection, run_module):
    server.tasks = [make_task(1)]
    result = run_module(dict(connection, state='absent', task_ids=['ghost', 'phantom']))
    assert result['changed'] is False and not result.get('failed')
    assert result['deleted_task_ids'] == [] and result['missing_task_ids'] == ['ghost', 'phantom']
    assert all(request['method'] == 'GET' for request in server.requests)


def test_absent_with_no_ids_sends_nothing(server, connection, run_module):
    result = run_module(dict(connection, state='absent', task_ids=[]))
    assert result['changed'] is False and result['deleted_task_ids'] == [] and server.requests == []


def test_api_error_while_looking_up_fails_with_its_fields(server, connection, run_module):
    server.queue.append(Answer(401, {'error_code': 'APIGW.0301', 'error_msg': 'bad signature'},
                               headers={'X-Request-Id': 'req-7'}))
    result = run_module(dict(connection, state='absent', task_ids=['a']))
    assert result['failed'] and result['http_status'] == 401 and result['error_code'] == 'APIGW.0301'
    assert result['request_id'] == 'req-7' and SECRET not in json.dumps(result)


@pytest.fixture
def service(server):
    """The local server also starts exports (a new task with the given status) and deletes tasks."""
    started = dict(status='SUCCESS')

    def serve(request):
        if request['path'].endswith('/export') and not request['path'].startswith('/v2/'):
            task = make_task(len(server.tasks) + 1, status=started['status'], error_code='WKS.9', fail_reason='no data')
            server.tasks.append(task)
            return Answer(200, {'task_id': task['task_id']})
        if request['path'].endswith('/batch-delete'):
            gone = set(json.loads(request['body'].decode())['task_ids'])
            server.tasks = [task for task in server.tasks if task['task_id'] not in gone]
            return Answer(200, raw=b'')
        return server.serve_tasks(request)

    server.default = serve
    return started


def starts(server):
    return [request for request in server.requests if request['path'].endswith('/export')]


def test_present_starts_one_export_and_returns_its_record(server, connection, run_module, service):
    result = run_module(dict(connection, kind='users', parameters={'active_type': 'USER_ACTIVATE'}, language='en_US'))
    assert result['changed'] is True and result['task_id'] == 'task-0001'
    assert result['export_task']['task_id'] == 'task-0001' and result['export_task']['status'] == 'SUCCESS'
    request, = starts(server)
    assert json.loads(request['body'].decode()) == {'active_type': 'USER_ACTIVATE', 'language': 'en_US'}


@pytest.mark.parametrize('kind, parameters, language, pairs', [
    ('desktops', {'computer_names': ['pc-1', 'pc,2']}, None,
     [('computer_names', 'pc,2'), ('computer_names', 'pc-1'), ('language', 'en_US')]),
    ('terminal_bindings', {'mac': 'fa:16:3e:00:00:01'}, 'zh_CN', [('language', 'zh_CN'), ('mac', 'fa:16:3e:00:00:01')]),
])
def test_a_start_sends_en_us_where_required_and_a_list_as_one_pair_per_item(server, connection, run_module, service, kind,
                                                                            parameters, language, pairs):
    options = dict(connection, kind=kind, parameters=parameters)
    if language:
        options['language'] = language
    result = run_module(options)
    assert result.get('changed') is True and result['task_id'] == 'task-0001', result
    request, = starts(server)
    assert sorted(parse_qsl(request['raw_query'])) == pairs


@pytest.mark.parametrize('status', ['FAIL', 'EXPIRED'])
def test_wait_fails_naming_the_task_when_it_does_not_succeed(server, connection, run_module, service, status):
    service['status'] = status
    result = run_module(dict(connection, kind='desktops', wait=True, wait_sleep=0.01))
    assert result['failed'] is True and result['task_id'] == 'task-0001'
    for word in ('task-0001', 'export-0001.xlsx', status, 'WKS.9', 'no data'):
        assert word in result['msg']
    assert result['export_task']['status'] == status and len(starts(server)) == 1


def test_wait_returns_the_final_record(server, connection, run_module, service):
    service['status'] = 'CREATING'
    original = server.default

    def finish_on_poll(request):
        if request['method'] == 'GET' and request['path'].endswith('/export-tasks'):  # a poll of the wait
            for task in server.tasks:
                task['status'] = 'SUCCESS'
        return original(request)

    server.default = finish_on_poll
    result = run_module(dict(connection, kind='user_groups', wait=True, wait_sleep=0.01))
    assert result['changed'] is True and result['export_task']['status'] == 'SUCCESS'


def test_wait_times_out_naming_the_task(server, connection, run_module, service):
    service['status'] = 'CREATING'
    # wait_timeout counts from the start of the export: 1 s leaves the start and the first look ample time.
    result = run_module(dict(connection, kind='user_groups', wait=True, wait_timeout=1, wait_sleep=0.2))
    assert result['failed'] is True and 'still CREATING' in result['msg'] and 'task-0001' in result['msg']
    assert result['creating_task_ids'] == ['task-0001'] and len(starts(server)) == 1


def test_absent_deletes_only_existing_tasks_and_is_idempotent(server, connection, run_module, service):
    server.tasks = [make_task(n) for n in range(1, 4)]
    result = run_module(dict(connection, state='absent', task_ids=['task-0001', 'ghost', 'task-0003']))
    assert result['changed'] is True
    assert result['deleted_task_ids'] == ['task-0001', 'task-0003'] and result['missing_task_ids'] == ['ghost']
    deletes = [json.loads(r['body'].decode()) for r in server.requests if r['path'].endswith('/batch-delete')]
    assert deletes == [{'task_ids': ['task-0001', 'task-0003']}]
    assert [task['task_id'] for task in server.tasks] == ['task-0002']
    again = run_module(dict(connection, state='absent', task_ids=['task-0001', 'task-0003']))
    assert again['changed'] is False and again['missing_task_ids'] == ['task-0001', 'task-0003']


def fail_after_the_start(server, answer):
    """After the start, every request of the task's listing gets answer."""
    original = server.default

    def serve(request):
        if request['method'] == 'GET' and request['path'].endswith('/export-tasks'):
            return answer
        return original(request)

    server.default = serve


@pytest.mark.parametrize('wait', [False, True])
@pytest.mark.parametrize('answer, status', [(Answer(500, {'error_code': 'WKS.0500', 'error_msg': 'busy'}), 500),
                                            (Answer(403, {'error_code': 'WKS.0403', 'error_msg': 'denied'}), 403)])
def test_a_failure_after_the_start_names_the_started_task_as_a_change(server, connection, run_module, service, wait,
                                                                      answer, status):
    fail_after_the_start(server, answer)
    result = run_module(dict(connection, kind='desktops', wait=wait, wait_sleep=0.01, retries=1))
    assert result['failed'] is True and result['changed'] is True and result['task_id'] == 'task-0001'
    assert result['http_status'] == status and 'task-0001 was started' in result['msg']
    assert len(starts(server)) == 1 and SECRET not in json.dumps(result)


@pytest.mark.parametrize('answer', [Answer(drop=True), Answer(500, {'error_code': 'WKS.0500', 'error_msg': 'busy'}),
                                    Answer(200, {'job_id': 'j-1'})])
def test_a_start_whose_answer_is_lost_is_not_sent_again_and_may_have_started(server, connection, run_module, service, answer):
    server.queue.append(answer)
    result = run_module(dict(connection, kind='desktops', retries=3))
    assert result['failed'] is True and result['changed'] is True and result['task_id'] is None
    assert 'may have been started' in result['msg'] and len(starts(server)) == 1


@pytest.mark.parametrize('answer', [Answer(400, {'error_code': 'WKS.0400', 'error_msg': 'bad'}),
                                    Answer(401, {'error_code': 'APIGW.0301', 'error_msg': 'bad signature'})])
def test_a_start_the_service_refused_changed_nothing(server, connection, run_module, service, answer):
    server.queue.append(answer)
    result = run_module(dict(connection, kind='desktops', retries=3))
    assert result['failed'] is True and not result.get('changed') and 'may have been started' not in result['msg']
    assert len(starts(server)) == 1


def test_a_start_refused_for_now_is_sent_again(server, connection, run_module, service):
    server.queue.append(Answer(503, {'error_code': 'WKS.0503', 'error_msg': 'not now'}))
    result = run_module(dict(connection, kind='desktops', retries=3))
    assert result['changed'] is True and result['task_id'] == 'task-0001' and len(starts(server)) == 2
