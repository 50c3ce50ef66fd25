# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_task in-process against a local HTTP server: bad input sends nothing; start once; wait; delete."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.hwcloud.workspace.plugins.modules import export_task
from ansible_collections.hwcloud.workspace.tests.unit.http_server import Answer, make_task

SECRET = 'export-task-secret-value'


def run_module(capsys, args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            export_task.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def base(server, monkeypatch, tmp_path):
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(tmp_path / 'none'))
    return dict(endpoint=server.url, project_id='proj', access_key='AK', secret_key=SECRET)


@pytest.mark.parametrize('args, words', [
    ({'kind': 'desktops', 'parameters': {'colour': 'red'}}, ['Unknown parameter(s) colour', 'computer_name']),
    ({'kind': 'desktops', 'parameters': {'status': 'ON'}}, ['parameters.status', 'ACTIVE']),
    ({'kind': 'users', 'parameters': {'user_name': 'x' * 21}}, ['parameters.user_name', '1 to 20']),
    ({'kind': 'desktop_usage', 'language': 'en_US'}, ['language does not apply to kind desktop_usage']),
    ({'kind': 'printers'}, ['kind', 'desktops']),
    ({'kind': 'users', 'language': 'de_DE'}, ['language', 'zh_CN, en_US']),
    ({}, ['state is present', 'kind']),
    ({'state': 'absent'}, ['state is absent', 'task_ids']),
    ({'state': 'absent', 'task_ids': ['x' * 65]}, ['task_ids', '1 to 64']),
    ({'kind': 'users', 'wait': True, 'wait_sleep': 0}, ['wait_sleep']),
    ({'kind': 'users', 'wait': True, 'wait_timeout': -1}, ['wait_timeout']),
    ({'kind': 'users', 'secret_key': None}, ['secret_key']),
])
def test_bad_input_fails_naming_the_option_before_any_request(server, base, capsys, args, words):
    result = run_module(capsys, dict(base, **args))
    assert result['failed'] is True
    for word in words:
        assert word in result['msg']
    assert server.requests == []
    assert 'Traceback' not in result['msg'] and SECRET not in json.dumps(result)


def test_check_mode_starts_nothing_and_reports_changed(server, base, capsys):
    result = run_module(capsys, dict(base, kind='desktops', parameters={'status': 'ACTIVE'}, _ansible_check_mode=True))
    assert result['changed'] is True and result['task_id'] is None and result['export_task'] is None
    assert server.requests == []


def test_absent_check_mode_lists_what_would_be_deleted(server, base, capsys):
    server.tasks = [make_task(n) for n in range(3)]
    result = run_module(capsys, dict(base, state='absent', task_ids=['task-0001', 'ghost', 'task-0002'],
                                     _ansible_check_mode=True))
    assert result['changed'] is True
    assert result['deleted_task_ids'] == ['task-0001', 'task-0002'] and result['missing_task_ids'] == ['ghost']
    assert [request['method'] for request in server.requests] == ['GET'] * len(server.requests)


def test_absent_with_only_unknown_ids_changes_nothing(server, base, capsys):
    server.tasks = [make_task(1)]
    result = run_module(capsys, dict(base, state='absent', task_ids=['ghost', 'phantom']))
    assert result['changed'] is False and not result.get('failed')
    assert result['deleted_task_ids'] == [] and result['missing_task_ids'] == ['ghost', 'phantom']
    assert all(request['method'] == 'GET' for request in server.requests)


def test_absent_with_no_ids_sends_nothing(server, base, capsys):
    result = run_module(capsys, dict(base, state='absent', task_ids=[]))
    assert result['changed'] is False and result['deleted_task_ids'] == [] and server.requests == []


def test_api_error_while_looking_up_fails_with_its_fields(server, base, capsys):
    server.queue.append(Answer(401, {'error_code': 'APIGW.0301', 'error_msg': 'bad signature'},
                               headers={'X-Request-Id': 'req-7'}))
    result = run_module(capsys, dict(base, state='absent', task_ids=['a']))
    assert result['failed'] and result['http_status'] == 401 and result['error_code'] == 'APIGW.0301'
    assert result['request_id'] == 'req-7' and SECRET not in json.dumps(result)
