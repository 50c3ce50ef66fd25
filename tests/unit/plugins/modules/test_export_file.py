# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""export_file in-process against a local HTTP server: atomic, idempotent, verified, check mode, file attributes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fcntl
import hashlib
import json
import os
import stat
import threading
import time

import pytest


from ansible_collections.hwcloud.workspace.plugins.module_utils import _download
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_file as export_file_operation
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceResultError
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
    ('ghost', ['Unknown export task ID(s): ghost']),
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


class PlacingModule:
    """What place() asks of its module where nothing falls back to atomic_move."""

    params = {'unsafe_writes': False}

    @staticmethod
    def selinux_enabled():
        return False


def finished_download(directory, content):
    temp = _download.TempFile(str(directory), 'report.csv')
    temp.write(content)
    temp.finish()
    return temp


def place_at_once(directory, contents, force=False, still_downloadable=lambda task_id: True, first_task=0):
    """Every content placed at directory/report.csv by a thread of its own, all released together: what each
    returned (changed) or the error it raised."""
    path = str(directory / 'report.csv')
    temps = [finished_download(directory, content) for content in contents]
    start = threading.Barrier(len(contents))
    outcomes = [None] * len(contents)

    def place(index):
        start.wait()
        try:
            outcomes[index] = export_file_operation.place(PlacingModule(), temps[index], path,
                                                          'task-%d' % (first_task + index), None, force,
                                                          still_downloadable)
        except WorkspaceResultError as exc:
            outcomes[index] = exc
        finally:
            temps[index].close()

    threads = [threading.Thread(target=place, args=(index,)) for index in range(len(contents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize('round_number', range(40))
def test_runs_placing_other_exports_under_one_name_at_once_never_lose_one(tmp_path, round_number):
    contents = [b'export %d of round %d\n' % (index, round_number) * 100 for index in range(6)]
    outcomes = place_at_once(tmp_path, contents)
    placed = [index for index, outcome in enumerate(outcomes) if outcome is True]
    assert len(placed) == 1, outcomes  # the first to arrive; every other one fails and leaves it as it is
    assert all(isinstance(outcome, WorkspaceResultError) for index, outcome in enumerate(outcomes) if index != placed[0])
    assert (tmp_path / 'report.csv').read_bytes() == contents[placed[0]]
    assert _download.read_record(str(tmp_path / 'report.csv'))[0] == 'task-%d' % placed[0]
    assert os.listdir(str(tmp_path)) == ['report.csv']


@pytest.mark.parametrize('round_number', range(20))
def test_runs_placing_the_same_bytes_at_once_change_it_once(tmp_path, round_number):
    outcomes = place_at_once(tmp_path, [CONTENT] * 6)
    assert sorted(outcomes) == [False] * 5 + [True]
    assert (tmp_path / 'report.csv').read_bytes() == CONTENT and os.listdir(str(tmp_path)) == ['report.csv']


@pytest.mark.parametrize('round_number', range(20))
def test_forced_runs_at_once_each_replace_a_whole_file(tmp_path, round_number):
    """With force, while every export can still be downloaded: each run replaces what it checked, under the
    directory's lock, so the file is always one export's whole file with that export's record."""
    contents = [b'export %d\n' % index * 1000 for index in range(6)]
    outcomes = place_at_once(tmp_path, contents, force=True)
    assert all(outcome is True for outcome in outcomes)
    task_id = _download.read_record(str(tmp_path / 'report.csv'))[0]
    assert (tmp_path / 'report.csv').read_bytes() == contents[int(task_id.split('-')[1])]
    assert os.listdir(str(tmp_path)) == ['report.csv']


def test_force_never_replaces_the_file_of_an_export_that_can_no_longer_be_downloaded(tmp_path):
    first, = place_at_once(tmp_path, [b'first'])
    asked = []
    second, = place_at_once(tmp_path, [b'second'], force=True, still_downloadable=asked.append,
                            first_task=1)
    assert first is True and isinstance(second, WorkspaceResultError) and asked == ['task-0']
    assert 'export task task-0' in str(second) and 'not even with force' in str(second)
    assert (tmp_path / 'report.csv').read_bytes() == b'first' and os.listdir(str(tmp_path)) == ['report.csv']


def test_a_symbolic_link_is_refused_and_with_force_replaced_never_written_through(tmp_path):
    outside = tmp_path / 'outside.csv'
    outside.write_bytes(b'elsewhere')
    directory = tmp_path / 'dest'
    directory.mkdir()
    (directory / 'report.csv').symlink_to(outside)
    refused, = place_at_once(directory, [b'export'])
    assert isinstance(refused, WorkspaceResultError) and 'symbolic link' in str(refused)
    replaced, = place_at_once(directory, [b'export'], force=True)
    assert replaced is True and not (directory / 'report.csv').is_symlink()
    assert (directory / 'report.csv').read_bytes() == b'export' and outside.read_bytes() == b'elsewhere'
    assert _download.read_record(str(outside)) is None and os.listdir(str(directory)) == ['report.csv']


def test_a_new_file_gets_the_mode_a_new_file_gets_from_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        assert place_at_once(tmp_path, [CONTENT]) == [True]
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(str(tmp_path / 'report.csv')).st_mode) == 0o640


def test_a_later_run_removes_leftovers_no_run_holds(server, base, run_module, tmp_path):
    abandoned = tmp_path / '.users_1.csv.abcd1234.hwcloud-workspace.part'
    abandoned.write_bytes(b'half a file')
    young = tmp_path / '.users_1.csv.efgh5678.hwcloud-workspace.part'
    young.write_bytes(b'being written')
    foreign = tmp_path / '.users_1.csv.abcd1234.part'  # another program's (or an older version's) name
    foreign.write_bytes(b'not ours')
    old = time.time() - _download.LEFTOVER_AGE - 60
    for path in (abandoned, foreign):
        os.utime(str(path), (old, old))
    held = tmp_path / '.users_1.csv.ijkl9012.hwcloud-workspace.part'
    held.write_bytes(b'a run is writing this')
    os.utime(str(held), (old, old))
    with open(str(held), 'rb') as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # as the run that writes it holds it
        result = run_module(dict(base, dest=str(tmp_path)))
    assert result['changed'] is True
    assert sorted(os.listdir(str(tmp_path))) == sorted([foreign.name, young.name, held.name, 'users_1.csv'])


def test_a_path_component_that_is_a_file_is_named(server, base, run_module, tmp_path):
    (tmp_path / 'afile').write_bytes(b'x')
    for dest in (tmp_path / 'afile' / '', tmp_path / 'afile' / 'deeper' / 'x.csv'):
        result = run_module(dict(base, dest=str(dest) + ('/' if dest.name == 'afile' else '')))
        assert result['failed'] is True and '%s is a file, not a directory' % (tmp_path / 'afile') in result['msg']
    assert server.requests == []
