# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module in-process: bad input fails naming the option and sends nothing; results; errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest


from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect
from ansible_collections.hwcloud.workspace.plugins.modules import export_task_info
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task

MODULE = export_task_info
SECRET = 'module-secret-value'


@pytest.mark.parametrize('args, words', [
    ({'limit': 0}, ['limit', '1 to 100']),
    ({'limit': 101}, ['limit', '1 to 100']),
    ({'offset': -1}, ['offset', '>= 0']),
    ({'status': 'DONE'}, ['status', 'CREATING, SUCCESS, FAIL, EXPIRED']),
    ({'sort_type': 'ASC'}, ['sort_field', 'sort_type']),
    ({'sort_field': 'create_time'}, ['sort_field', 'sort_type']),
    ({'sort_field': 'name', 'sort_type': 'ASC'}, ['sort_field', 'create_time']),
    ({'task_id': 'a', 'task_ids': ['b']}, ['task_id', 'task_ids']),
    ({'task_ids': ['b'], 'limit': 5}, ['task_ids', 'limit']),
    ({'wait_sleep': 0}, ['wait_sleep']),
    ({'wait_timeout': -1}, ['wait_timeout']),
    ({'wait_sleep': float('nan')}, ['wait_sleep', 'finite']),
    ({'wait_sleep': 'inf'}, ['wait_sleep', 'finite']),
    ({'wait_timeout': float('inf')}, ['wait_timeout', 'finite']),
    ({'wait_timeout': 'nan'}, ['wait_timeout', 'finite']),
    ({'access_key': None, 'secret_key': None}, ['No credentials']),
    ({'auth_token': 'an-iam-token-value'}, ['auth_token', 'mutually exclusive']),
    ({'secret_key': None}, ['secret_key']),
    ({'endpoint': None}, ['region', 'endpoint']),
    ({'endpoint': 'workspace.example'}, ['endpoint', 'http']),
])
def test_bad_input_fails_naming_the_option_before_any_request(server, connection, run_module, args, words):
    result = run_module(dict(connection, **args))
    assert result['failed'] is True
    for word in words:
        assert word in result['msg']
    assert server.requests == []
    assert 'Traceback' not in result['msg'] and SECRET not in json.dumps(result)


def test_lists_every_page(server, connection, run_module):
    server.tasks = [make_task(n) for n in range(250)]
    result = run_module(dict(connection, status='SUCCESS'))
    assert result['changed'] is False and result['count'] == 250
    assert len(result['export_tasks']) == 250 == len(set(t['task_id'] for t in result['export_tasks']))
    assert len(server.requests) == 3
    assert SECRET not in json.dumps(result)


def test_check_mode_lists_too(server, connection, run_module):
    server.tasks = [make_task(1)]
    result = run_module(dict(connection, _ansible_check_mode=True))
    assert result['count'] == 1 and result['changed'] is False


def test_unknown_task_ids_fail_naming_them(server, connection, run_module):
    server.tasks = [make_task(n) for n in range(3)]
    result = run_module(dict(connection, task_ids=['task-0001', 'ghost']))
    assert result['failed'] and result['msg'] == 'Unknown export task ID(s): ghost'
    assert result['missing_task_ids'] == ['ghost']


def test_api_error_surfaces_status_code_message_and_request_id(server, connection, run_module):
    server.queue.append(Answer(400, {'error_code': 'WKS.00000001', 'error_msg': 'limit is invalid'}, {'X-Request-Id': 'rq1'}))
    result = run_module(connection)
    assert result['failed']
    assert 'HTTP 400' in result['msg'] and 'WKS.00000001' in result['msg'] and 'limit is invalid' in result['msg']
    assert (result['http_status'], result['error_code'], result['error_msg'], result['request_id']) == (
        400, 'WKS.00000001', 'limit is invalid', 'rq1')


def test_wait_returns_final_records(server, connection, run_module):
    tasks = [make_task(1, status='CREATING'), make_task(2, status='CREATING')]
    server.tasks = tasks
    polls = []

    def finish_on_second_poll(request):
        if 'status' not in request['query']:  # a poll reads the newest tasks without a status filter
            polls.append(1)
            if len(polls) == 2:
                tasks[0]['status'] = 'SUCCESS'
                tasks[1].update(status='FAIL', fail_reason='disk full', error_code='WKS.0042')
        return serve(request)

    serve = server.default
    server.default = finish_on_second_poll
    result = run_module(dict(connection, status='CREATING', wait=True, wait_sleep=0.1))
    assert [(t['status'], t['error_code']) for t in result['export_tasks']] == [('SUCCESS', None), ('FAIL', 'WKS.0042')]
    assert result['missing_task_ids'] == [] and not result.get('failed')


def test_wait_timeout_fails_naming_tasks(server, connection, run_module):
    server.tasks = [make_task(1, status='CREATING'), make_task(2, status='SUCCESS')]
    # wait_timeout bounds the first listing too: 1 s leaves it ample time on a loaded machine.
    result = run_module(dict(connection, wait=True, wait_timeout=1, wait_sleep=0.2))
    assert result['failed'] and result['creating_task_ids'] == ['task-0001']
    assert 'Timed out after 1 seconds' in result['msg'] and 'task-0001 (file export-0001.xlsx)' in result['msg']
    assert [t['status'] for t in result['export_tasks']] == ['CREATING', 'SUCCESS']


def test_a_credentials_file_readable_by_others_is_a_warning_of_the_module(server, monkeypatch, tmp_path):
    """module.warn is what AnsibleModule turns into the result's warnings. Tested through connect() rather than a
    module run: after the lookup tests in the same process, a module run's result came without its warnings."""
    profile = tmp_path / 'credentials'
    profile.write_text('[basic]\nak = AK\nsk = %s\n' % SECRET)
    profile.chmod(0o644)
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(profile))

    class Module:
        params = dict(endpoint=server.url, project_id='proj')
        warnings = []

        def warn(self, message):
            self.warnings.append(message)

    module = Module()
    with connect(module) as client:
        assert client.connection.access_key == 'AK'
    assert len(module.warnings) == 1 and str(profile) in module.warnings[0] and SECRET not in module.warnings[0]
