# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_task_info end to end, for what the target export_task_info cannot check: no secret in -vvv output, the
controller and shipped paths and async compared field for field, the progress of a wait on stderr."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import json
import re

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


@pytest.fixture(params=['controller', 'shipped'])
def run_play(request, run_playbook, python_without_requests):
    """run_playbook through one of the two paths of the action plugin.

    controller: a local connection, and localhost's Python cannot even import requests, so the work can only
    have been done in the controller process. shipped: a connection that is not local, so the module is
    shipped and run by its interpreter, as on a remote host.
    """
    if request.param == 'controller':
        return functools.partial(run_playbook, connection='local', python=python_without_requests)
    return functools.partial(run_playbook, connection='shipped')


def failed(result):
    return result['_outcome'] == 'failed'


@pytest.mark.parametrize('auth', ['aksk', 'token'])
def test_no_secret_in_very_verbose_output(emulator_factory, run_play, auth):
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
    run = run_play(play(task('verbose', conn), task('failing verbose', dict(conn, endpoint=emulator.url + '/nowhere'))),
                       args=['-vvv'])
    assert run.result('verbose')['count'] == 2
    assert failed(run.result('failing verbose'))
    output = run.stdout + run.stderr + json.dumps(run.results)
    for name in ('verbose', 'failing verbose'):
        arguments = run.result(name)['invocation']['module_args']
        assert arguments['endpoint'].startswith(emulator.url) and arguments['wait'] is False
        for option in ('secret_key', 'security_token', 'auth_token'):
            if option in conn:
                assert arguments[option] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', (name, option)
    for secret in secrets:
        assert secret not in output


def test_invocation_is_returned_both_ways_or_neither(emulator_factory, run_playbook, python_without_requests):
    """A module returns invocation always before ansible-core 2.21, and from 2.21 only with INJECT_INVOCATION
    on: the controller path follows the same setting."""
    emulator = emulator_factory(seed={'tasks': bulk(2)})
    conn = connection_vars(emulator)
    for inject in (False, True):
        returned = []
        for options in (dict(connection='local', python=python_without_requests), dict(connection='shipped')):
            run = run_playbook(play(task('list', conn)), extra_vars={'ansible_inject_invocation': inject}, **options)
            assert run.result('list')['count'] == 2
            returned.append('invocation' in run.result('list'))
        assert returned[0] == returned[1] and (returned[0] or not inject), (inject, returned)


# Every kind of outcome of the module, for the comparison of the two paths. The wait comes first: the task it
# follows finishes by the wait's own listings (test_both_paths_and_async_give_the_same_results), not by earlier ones.
SCENARIOS = [
    ('wait', dict(task_ids=['soon', 'done'], wait=True, wait_sleep=0.2, wait_timeout=60)),
    ('every task', {}),
    ('filters', dict(status='FAIL', sort_field='create_time', sort_type='DESC')),
    ('one page', dict(offset=1, limit=2)),
    ('by ids', dict(task_ids=['done', 'task-0001'])),
    ('unknown ids', dict(task_ids=['done', 'ghost'])),
    # wait_timeout also bounds the first listing: 2 s leave it time on a loaded machine.
    ('time-out', dict(task_ids=['never', 'done'], wait=True, wait_sleep=0.2, wait_timeout=2)),
    ('bad choice', dict(status='DONE')),
    ('bad type', dict(limit='many')),
    ('unknown option', dict(colour='blue')),
    ('together', dict(sort_type='ASC')),
    ('exclusive', dict(task_id='a', task_ids=['b'])),
    ('bad sleep', dict(wait=True, wait_sleep=0)),
    ('api error', dict(secret_key='wrong-secret-value')),
]
# Fields that only say how a result travelled (async bookkeeping), not what the module returned.
TRANSPORT_FIELDS = {'ansible_job_id', 'finished', 'results_file', 'started', 'stdout', 'stdout_lines', 'stderr',
                    'stderr_lines', 'exception', 'request_id'}


def comparable(result, emulator):
    """The result as text, without what differs from run to run: the emulator's address, request IDs, end times."""
    result = dict((key, value) for key, value in result.items() if key not in TRANSPORT_FIELDS)
    if 'msg' in result:
        result['msg'] = result['msg'].split(', request_id=')[0]
    for record in result.get('export_tasks', []):
        record.pop('end_time', None)
    return json.dumps(result, sort_keys=True).replace(emulator.url, 'EMULATOR')


def test_both_paths_and_async_give_the_same_results(emulator_factory, run_playbook, python_without_requests):
    seed = {'tasks': bulk(3) + [
        {'task_id': 'done', 'file_name': 'done.xlsx', 'status': 'FAIL', 'fail_reason': 'disk full', 'error_code': 'WKS.1',
         'create_time': '2026-11-28T01:00:00.000Z'},
        {'task_id': 'never', 'file_name': 'never.xlsx', 'finish_after': 3600, 'create_time': '2026-11-28T02:00:00.000Z'},
        # CREATING in the first two answers that show it, finished from the next one on: the same records on every
        # path, however long each path takes to get there. The wait is the first scenario, so when it returns 'soon'
        # SUCCESS it has followed the task through a poll that still saw it CREATING.
        {'task_id': 'soon', 'file_name': 'soon.xlsx', 'finish_after_listings': 2, 'create_time': '2026-11-28T03:00:00.000Z'}]}
    runs = {}
    for path, extra, options in (
            ('controller', '', dict(connection='local', python=python_without_requests)),
            ('shipped', '', dict(connection='shipped')),
            ('async', '      async: 120\n      poll: 1\n', dict(connection='local'))):
        emulator = emulator_factory(seed=seed)
        conn = connection_vars(emulator)
        run = run_playbook(play(*[task(name, dict(conn, **args), extra) for name, args in SCENARIOS]), **options)
        assert run.rc == 0, run.stdout + run.stderr
        runs[path] = dict((name, comparable(run.result(name), emulator)) for name, _args in SCENARIOS)
    for name, _args in SCENARIOS:
        assert runs['controller'][name] == runs['shipped'][name] == runs['async'][name], name
    controller = dict((name, json.loads(text)) for name, text in runs['controller'].items())
    assert [task['status'] for task in controller['wait']['export_tasks']] == ['SUCCESS', 'FAIL']
    assert controller['time-out']['creating_task_ids'] == ['never'] and failed(controller['time-out'])
    assert controller['unknown ids']['missing_task_ids'] == ['ghost']
    assert controller['unknown option']['msg'].startswith(
        'Unsupported parameters for (hwcloud.workspace.export_task_info) module: colour')
    assert controller['api error']['http_status'] == 401
    assert controller['api error']['invocation']['module_args']['secret_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'wrong-secret-value' not in json.dumps(runs)


def test_async_and_other_connections_ship_the_module(emulator_factory, run_playbook, python_without_requests):
    """With a Python that lacks requests on the target, a shipped module says so: proof that it was shipped."""
    emulator = emulator_factory(seed={'tasks': bulk(2)})
    conn = connection_vars(emulator)
    for options, extra in ((dict(connection='shipped'), ''), (dict(connection='local'), '      async: 60\n      poll: 1\n')):
        run = run_playbook(play(task('list', conn, extra)), python=python_without_requests, **options)
        result = run.result('list')
        assert failed(result) and 'requests' in result['msg'], (options, result)
    assert emulator.requests_log() == []


PROGRESS = re.compile(r'^hwcloud\.workspace\.export_task_info \[localhost\]: (.*)$', re.MULTILINE)


# json_stdout (beside record_results) prints the whole run as one JSON document on stdout, as ansible.posix.json does.
@pytest.mark.parametrize('stdout_callback', ['default', 'json_stdout'])
def test_progress_of_a_wait_goes_to_stderr_only(emulator_factory, run_playbook, python_without_requests, stdout_callback):
    emulator = emulator_factory(seed={'tasks': bulk(2)})
    # Long enough to be still CREATING when ansible-playbook has started, even on a busy machine.
    emulator.add_tasks([{'task_id': 'quick', 'file_name': 'quick.xlsx', 'finish_after': 10},
                        {'task_id': 'broken', 'file_name': 'broken.xlsx', 'finish_after': 12, 'final_status': 'FAIL'}])
    conn = connection_vars(emulator)
    run = run_playbook(play(
        task('wait', dict(conn, task_ids=['quick', 'broken', 'task-0001'], wait=True, wait_sleep=0.2, wait_timeout=60)),
        task('nothing to wait on', dict(conn, task_ids=['task-0000'], wait=True, wait_sleep=0.2)),
    ), env={'ANSIBLE_STDOUT_CALLBACK': stdout_callback}, python=python_without_requests)
    assert run.rc == 0, run.stdout + run.stderr
    lines = PROGRESS.findall(run.stderr)
    assert lines[0] == 'waiting for 2 export task(s) to leave CREATING, time-out 60 s: quick, broken', lines
    finished = ' '.join(line for line in lines if 'finished' in line)
    assert 'quick SUCCESS' in finished and 'broken FAIL' in finished, lines
    assert all(line.startswith(('waiting for', '1 export task(s) finished', '2 export task(s) finished',
                                '1 export task(s) still CREATING')) for line in lines), lines
    assert len([line for line in lines if line.startswith('waiting for')]) == 1  # nothing said for task-0000
    assert 'export_task_info [localhost]' not in run.stdout
    if stdout_callback == 'json_stdout':
        assert [task['name'] for task in json.loads(run.stdout)['tasks']] == ['wait', 'nothing to wait on']


def test_progress_of_parallel_waits_from_worker_processes(emulator_factory, run_playbook, python_without_requests):
    """Each host's wait runs in its own worker process; every line still reaches stderr, named by host."""
    emulator = emulator_factory(seed={'tasks': bulk(1)})
    emulator.add_tasks([{'task_id': 'slow-%d' % number, 'file_name': 'slow-%d.xlsx' % number, 'finish_after': 10}
                        for number in range(2)])
    playbook = play(task('wait', dict(connection_vars(emulator), status='CREATING', wait=True, wait_sleep=0.3))).replace(
        '- hosts: localhost', '- hosts: all')
    run = run_playbook(playbook, args=['-i', 'second,', '--forks', '2'], python=python_without_requests)
    assert run.rc == 0, run.stdout + run.stderr
    for host in ('localhost', 'second'):
        lines = re.findall(r'^hwcloud\.workspace\.export_task_info \[%s\]: (.*)$' % host, run.stderr, re.MULTILINE)
        assert lines[0].startswith('waiting for 2 export task(s)') and 'finished: slow-0 SUCCESS, slow-1 SUCCESS' in lines[-1], lines
    assert 'export_task_info [' not in run.stdout
