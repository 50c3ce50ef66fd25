# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_task_info end to end: real ansible-playbook runs against the local Workspace emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from .conftest import connection_vars  # pylint: disable=relative-beyond-top-level

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
%s
'''


def play(*tasks):
    return PLAY % '\n'.join(tasks)


def task(name, args, extra=''):
    body = '\n'.join('        %s: %s' % (key, json.dumps(value)) for key, value in args.items())
    return '''    - name: %s
      hwcloud.workspace.export_task_info:
%s
%s      ignore_errors: true
''' % (name, body, extra)


def bulk(count, **fields):
    return [dict({'task_id': 'task-%04d' % n, 'file_name': 'desktops-%04d.xlsx' % n,
                  'create_time': '2026-11-%02dT08:%02d:%02d.000Z' % (1 + n // 3600, n // 60 % 60, n % 60)}, **fields)
            for n in range(count)]


def failed(result):
    return result['_outcome'] == 'failed'


def api_requests(emulator):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]


def test_250_tasks_in_three_signed_requests(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(250)})
    run = run_playbook(play(task('list', connection_vars(emulator))))
    result = run.result('list')
    assert run.rc == 0, run.stdout
    assert result['count'] == 250 and result['changed'] is False
    ids = [t['task_id'] for t in result['export_tasks']]
    assert len(ids) == 250 == len(set(ids))
    assert sorted(result['export_tasks'][0]) == sorted(['task_id', 'file_name', 'status', 'fail_reason', 'error_code',
                                                        'create_time', 'end_time', 'is_download'])
    log = emulator.requests_log()
    assert [(entry['status'], entry['auth']) for entry in log] == [(200, 'aksk')] * 3
    assert [entry['query']['offset'] for entry in log] == ['0', '99', '198']


def test_filters_one_page_and_sorting(emulator_factory, run_playbook):
    tasks = bulk(30) + [
        {'task_id': 'ok-1', 'file_name': 'users.xlsx', 'status': 'SUCCESS', 'is_download': True, 'create_time': '2026-12-01T00:00:00.000Z'},
        {'task_id': 'bad-1', 'file_name': 'report.xlsx', 'final_status': 'FAIL', 'finish_after': 0,
         'fail_reason': 'quota exceeded', 'error_code': 'WKS.0042', 'create_time': '2026-12-02T00:00:00.000Z'},
        {'task_id': 'run-1', 'file_name': 'report.xlsx', 'finish_after': 3600, 'create_time': '2026-12-03T00:00:00.000Z'},
    ]
    emulator = emulator_factory(seed={'tasks': tasks})
    conn = connection_vars(emulator)
    run = run_playbook(play(
        task('by file_name', dict(conn, file_name='report.xlsx')),
        task('by task_id', dict(conn, task_id='ok-1')),
        task('by status', dict(conn, status='FAIL')),
        task('by is_download', dict(conn, is_download=True)),
        task('newest page', dict(conn, sort_field='create_time', sort_type='DESC', offset=1, limit=2)),
        task('by task_ids', dict(conn, task_ids=['run-1', 'task-0003'])),
    ))
    assert run.rc == 0, run.stdout

    def ids(name):
        return [t['task_id'] for t in run.result(name)['export_tasks']]

    assert ids('by file_name') == ['bad-1', 'run-1']
    assert ids('by task_id') == ['ok-1']
    assert ids('by status') == ['bad-1']
    assert run.result('by status')['export_tasks'][0]['fail_reason'] == 'quota exceeded'
    assert ids('by is_download') == ['ok-1']
    assert ids('newest page') == ['bad-1', 'ok-1'] and run.result('newest page')['count'] == 33
    assert ids('by task_ids') == ['run-1', 'task-0003']
    queries = [entry['query'] for entry in api_requests(emulator)]
    assert {'file_name': 'report.xlsx', 'offset': '0', 'limit': '100', 'sort_field': 'create_time', 'sort_type': 'ASC'} in queries
    assert {'is_download': 'true', 'offset': '0', 'limit': '100', 'sort_field': 'create_time', 'sort_type': 'ASC'} in queries
    assert {'sort_field': 'create_time', 'sort_type': 'DESC', 'offset': '1', 'limit': '2'} in queries


def test_errors_surface_status_code_message_and_request_id(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(3)})
    conn = connection_vars(emulator)
    emulator.inject({'status': 400, 'count': 1, 'error_code': 'WKS.00000001', 'error_msg': 'The parameter limit is invalid.'})
    run = run_playbook(play(
        task('bad request', conn),
        task('wrong secret', dict(conn, secret_key='not-the-secret')),
        task('wrong project', dict(conn, project_id='ffffffffffffffffffffffffffffffff')),
    ))
    bad = run.result('bad request')
    assert failed(bad) and bad['http_status'] == 400 and bad['error_code'] == 'WKS.00000001'
    assert 'HTTP 400' in bad['msg'] and 'The parameter limit is invalid.' in bad['msg'] and bad['request_id'] in bad['msg']
    wrong = run.result('wrong secret')
    assert failed(wrong) and wrong['http_status'] == 401 and wrong['error_code'].startswith('APIGW.')
    assert 'HTTP 401' in wrong['msg'] and wrong['error_msg'] in wrong['msg'] and wrong['request_id']
    assert 'not-the-secret' not in run.stdout + json.dumps(run.results)
    assert failed(run.result('wrong project')) and run.result('wrong project')['http_status'] in (401, 403, 404)
    assert 'Traceback' not in run.stdout


def test_throttling_is_retried_and_project_comes_from_iam(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(5)})
    conn = connection_vars(emulator)
    del conn['project_id']
    emulator.inject({'status': 429, 'count': 2, 'retry_after': 0})
    run = run_playbook(play(task('throttled', dict(conn, region=emulator.region))))
    assert run.rc == 0, run.stdout
    assert run.result('throttled')['count'] == 5
    log = emulator.requests_log()
    assert [(entry['path'].rsplit('/', 1)[-1], entry['status']) for entry in log] == [
        ('projects', 429), ('projects', 429), ('projects', 200), ('export-tasks', 200)]
    assert log[0]['query'] == {'name': emulator.region}


def test_token_auth_environment_and_module_defaults(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(4)})
    playbook = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: token from the environment
      hwcloud.workspace.export_task_info:
    - name: AK/SK through module_defaults
      module_defaults:
        group/hwcloud.workspace.workspace:
          access_key: %s
          secret_key: %s
          auth_token: null
      hwcloud.workspace.export_task_info:
        status: SUCCESS
''' % (emulator.access_key, emulator.secret_key)
    run = run_playbook(playbook, env={'HW_AUTH_TOKEN': emulator.token, 'HW_WORKSPACE_ENDPOINT': emulator.url,
                                      'HUAWEICLOUD_SDK_PROJECT_ID': emulator.project_id})
    assert run.rc == 0, run.stdout + run.stderr
    assert run.result('token from the environment')['count'] == 4
    assert run.result('AK/SK through module_defaults')['count'] == 4
    assert [entry['auth'] for entry in emulator.requests_log()] == ['token', 'aksk']


def test_bad_input_sends_nothing(emulator_factory, run_playbook):
    emulator = emulator_factory(seed={'tasks': bulk(2)})
    conn = connection_vars(emulator)
    run = run_playbook(play(
        task('limit', dict(conn, limit=101)),
        task('offset', dict(conn, offset=-1)),
        task('status', dict(conn, status='DONE')),
        task('sort', dict(conn, sort_type='DESC')),
        task('both auths', dict(conn, auth_token='an-iam-token')),
        task('no credentials', dict(endpoint=emulator.url, project_id=emulator.project_id)),
        task('no region', dict(access_key='a', secret_key='b')),
    ), env={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': '/nonexistent'})
    expected = {'limit': 'limit', 'offset': 'offset', 'status': 'status', 'sort': 'sort_field', 'both auths': 'auth_token',
                'no credentials': 'access_key', 'no region': 'region'}
    for name, option in expected.items():
        result = run.result(name)
        assert failed(result) and option in result['msg'], (name, result['msg'])
    assert emulator.requests_log() == []


@pytest.mark.parametrize('auth', ['aksk', 'token'])
def test_no_secret_in_very_verbose_output(emulator_factory, run_playbook, auth):
    emulator = emulator_factory(seed={'tasks': bulk(2)}, extra_args=['--token', 'temporary-security-token-value'])
    conn = connection_vars(emulator)
    secrets = [emulator.secret_key]
    if auth == 'aksk':
        conn['security_token'] = 'temporary-security-token-value'
        secrets.append(conn['security_token'])
    else:
        del conn['access_key'], conn['secret_key']
        conn['auth_token'] = emulator.token
        secrets = [emulator.token]
    run = run_playbook(play(task('verbose', conn), task('failing verbose', dict(conn, endpoint=emulator.url + '/nowhere'))),
                       args=['-vvv'])
    assert run.result('verbose')['count'] == 2
    assert failed(run.result('failing verbose'))
    output = run.stdout + run.stderr + json.dumps(run.results)
    assert 'export_task_info' in output
    for secret in secrets:
        assert secret not in output
