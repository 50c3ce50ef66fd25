# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_file in-process against a local HTTP server: atomic, idempotent, verified, check mode, file attributes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import os
import stat

import pytest


from ansible_collections.hwcloud.workspace.plugins.modules import export_file
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task

MODULE = export_file
SECRET = 'export-file-secret-value'
CONTENT = b'user_name,desktop\r\nann,desk-1\r\n'
DIGEST = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def base(server, connection):
    server.tasks = [make_task(1, file_name='users_1.csv'), make_task(2, status='CREATING'),
                    make_task(3, status='FAIL', error_code='WKS.1', fail_reason='disk full'), make_task(4, status='EXPIRED'),
                    make_task(5, file_name='../evil.csv')]

    def serve(request):
        if request['path'].endswith('/download'):
            return Answer(200, raw=CONTENT, headers={'Content-Type': 'text/csv'})
        return server.serve_tasks(request)

    server.default = serve
    return dict(connection, task_id='task-0001')


def downloads(server):
    return [request for request in server.requests if request['path'].endswith('/download')]


def test_downloads_into_a_directory_under_the_file_name(server, base, run_module, tmp_path):
    result = run_module(dict(base, dest=str(tmp_path), mode='0640'))
    path = str(tmp_path / 'users_1.csv')
    assert result['changed'] is True and result['dest'] == path
    assert (result['size'], result['checksum']) == (len(CONTENT), DIGEST)
    with open(path, 'rb') as handle:
        assert handle.read() == CONTENT
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert os.listdir(str(tmp_path)) == ['users_1.csv']  # no temporary file left behind


def test_second_run_changes_nothing_and_downloads_nothing(server, base, run_module, tmp_path):
    dest = str(tmp_path / 'users.csv')
    assert run_module(dict(base, dest=dest))['changed'] is True
    server.requests.clear()
    result = run_module(dict(base, dest=dest))
    assert result['changed'] is False and (result['size'], result['checksum']) == (len(CONTENT), DIGEST)
    assert server.requests == []


def test_second_run_into_a_directory_downloads_nothing(server, base, run_module, tmp_path):
    run_module(dict(base, dest=str(tmp_path) + '/'))
    server.requests.clear()
    result = run_module(dict(base, dest=str(tmp_path)))
    assert result['changed'] is False and result['dest'] == str(tmp_path / 'users_1.csv')
    assert downloads(server) == []


def test_mode_change_alone_is_a_change(server, base, run_module, tmp_path):
    dest = str(tmp_path / 'users.csv')
    run_module(dict(base, dest=dest, mode='0600'))
    result = run_module(dict(base, dest=dest, mode='0644'))
    assert result['changed'] is True and stat.S_IMODE(os.stat(dest).st_mode) == 0o644


def test_force_downloads_again_but_same_content_is_no_change(server, base, run_module, tmp_path):
    dest = str(tmp_path / 'users.csv')
    run_module(dict(base, dest=dest))
    server.requests.clear()
    result = run_module(dict(base, dest=dest, force=True))
    assert result['changed'] is False and len(downloads(server)) == 1


def test_force_replaces_different_content(server, base, run_module, tmp_path):
    dest = tmp_path / 'users.csv'
    dest.write_bytes(b'old')
    result = run_module(dict(base, dest=str(dest), force=True))
    assert result['changed'] is True and dest.read_bytes() == CONTENT


def test_check_mode_writes_nothing(server, base, run_module, tmp_path):
    result = run_module(dict(base, dest=str(tmp_path / 'users.csv'), _ansible_check_mode=True))
    assert result['changed'] is True and result['dest'] == str(tmp_path / 'users.csv')
    assert not (tmp_path / 'users.csv').exists() and downloads(server) == []


def test_checksum_mismatch_fails_and_leaves_no_file(server, base, run_module, tmp_path):
    dest = tmp_path / 'users.csv'
    result = run_module(dict(base, dest=str(dest), checksum='sha256:' + '0' * 64))
    assert result['failed'] is True and DIGEST in result['msg'] and '0' * 64 in result['msg']
    assert list(tmp_path.iterdir()) == []


def test_checksum_mismatch_keeps_the_old_file(server, base, run_module, tmp_path):
    dest = tmp_path / 'users.csv'
    dest.write_bytes(b'old')
    result = run_module(dict(base, dest=str(dest), checksum='sha256:' + '0' * 64))
    assert result['failed'] is True and dest.read_bytes() == b'old' and list(tmp_path.iterdir()) == [dest]


def test_an_existing_file_that_does_not_match_the_checksum_is_downloaded_again(server, base, run_module, tmp_path):
    dest = tmp_path / 'users.csv'
    dest.write_bytes(b'old')
    result = run_module(dict(base, dest=str(dest), checksum='sha256:' + DIGEST))
    assert result['changed'] is True and dest.read_bytes() == CONTENT


@pytest.mark.parametrize('task_id, words', [
    ('task-0002', ['task-0002', 'is CREATING']),
    ('task-0003', ['task-0003', 'is FAIL', 'WKS.1', 'disk full']),
    ('task-0004', ['task-0004', 'is EXPIRED']),
    ('ghost', ['Unknown export task ID: ghost']),
])
def test_a_task_without_a_file_fails_naming_its_status(server, base, run_module, tmp_path, task_id, words):
    result = run_module(dict(base, task_id=task_id, dest=str(tmp_path)))
    assert result['failed'] is True
    for word in words:
        assert word in result['msg']
    assert downloads(server) == [] and SECRET not in json.dumps(result)


def test_a_file_name_with_a_path_is_refused(server, base, run_module, tmp_path):
    result = run_module(dict(base, task_id='task-0005', dest=str(tmp_path)))
    assert result['failed'] is True and 'not a plain file name' in result['msg'] and downloads(server) == []


@pytest.mark.parametrize('args, words', [
    ({'checksum': 'abc'}, ['checksum', 'sha256:']),
    ({'dest': '/nonexistent-dir-for-test/x.csv'}, ['directory of dest does not exist']),
])
def test_bad_input_fails_before_any_request(server, base, run_module, tmp_path, args, words):
    result = run_module(dict(dict(base, dest=str(tmp_path / 'x.csv')), **args))
    assert result['failed'] is True and server.requests == []
    for word in words:
        assert word in result['msg']


@pytest.mark.parametrize('dest', ['', 'reports', './x.csv', '../x.csv'])
def test_an_empty_or_relative_dest_is_refused_before_any_request(server, base, run_module, tmp_path, monkeypatch, dest):
    monkeypatch.chdir(tmp_path)
    result = run_module(dict(base, dest=dest))
    assert result['failed'] is True and 'dest' in result['msg'] and 'absolute' in result['msg']
    assert server.requests == [] and os.listdir(str(tmp_path)) == []


def test_a_file_name_that_is_an_existing_subdirectory_fails_with_a_message_and_leaves_nothing(server, base, run_module,
                                                                                              tmp_path):
    (tmp_path / 'users_1.csv').mkdir()
    result = run_module(dict(base, dest=str(tmp_path)))
    assert result['failed'] is True and str(tmp_path / 'users_1.csv') in result['msg']
    assert 'Traceback' not in json.dumps(result) and 'module_stderr' not in result
    assert os.listdir(str(tmp_path)) == ['users_1.csv'] and os.listdir(str(tmp_path / 'users_1.csv')) == []


def test_an_answer_with_json_nested_too_deep_fails_with_a_message(server, base, run_module, tmp_path):
    server.default = lambda request: Answer(200, raw=b'[' * 100000 + b']' * 100000, headers={'Content-Type': 'application/json'})
    result = run_module(dict(base, dest=str(tmp_path / 'x.csv')))
    assert result['failed'] is True and 'JSON' in result['msg'] and 'Traceback' not in json.dumps(result)
    assert os.listdir(str(tmp_path)) == []
