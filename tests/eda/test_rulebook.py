# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end with the real engine: ansible-rulebook runs the collection's example rulebook
(hwcloud.workspace.download_finished_exports, found through ANSIBLE_COLLECTIONS_PATH like an installed collection)
against the emulator, at its highest verbosity. State changes come from the emulator's admin calls, and every wait
is for a condition (a request in the emulator's log, a line of output, a file), never for an amount of time."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os
import signal
import subprocess
import time

from tools.workspace_emulator.testing import EmulatorProcess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
INVENTORY = os.path.join(ROOT, 'inventory', 'localhost.yml')
RULEBOOK = 'hwcloud.workspace.download_finished_exports'
# Generous: reached only when something is broken.
PATIENCE = 180
# Polls the source makes after the last event before the test looks for an event fired twice.
POLLS_AFTERWARDS = 6


class Rulebook:
    """ansible-rulebook running the example rulebook, its output (stdout and stderr) in a file."""

    def __init__(self, executable, emulator, tmp_path, environment_changes=None, run='first'):
        work = tmp_path / run
        work.mkdir()
        self.downloads = work / 'downloads'
        self.downloads.mkdir()
        self.log_path = work / 'ansible-rulebook.log'
        environment = emulator.user_environment()
        environment.update({
            'PATH': os.path.dirname(executable) + os.pathsep + environment.get('PATH', ''),
            'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
            'ANSIBLE_NOCOLOR': '1',
            'PYTHONUNBUFFERED': '1',
            # A temporary AK/SK pair, so that every kind of secret is on the way.
            'HUAWEICLOUD_SDK_SECURITY_TOKEN': emulator.token,
            'EXPORT_DOWNLOAD_DIR': str(self.downloads),
            'EXPORT_POLL_INTERVAL': '0.5',
        })
        environment.update(environment_changes or {})
        self.secrets = [environment['HUAWEICLOUD_SDK_SK'], environment['HUAWEICLOUD_SDK_SECURITY_TOKEN']]
        variables = ['EXPORT_DOWNLOAD_DIR', 'EXPORT_POLL_INTERVAL'] + (
            ['EXPORT_CATCH_UP'] if 'EXPORT_CATCH_UP' in environment else [])
        with open(str(self.log_path), 'wb') as log:
            self.process = subprocess.Popen(
                [executable, '--rulebook', RULEBOOK, '--inventory', INVENTORY,
                 '--env-vars', ','.join(variables), '-vvv'],
                cwd=str(work), env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def output(self):
        return self.log_path.read_text(encoding='utf-8', errors='replace')

    def wait_for(self, condition, what):
        deadline = time.monotonic() + PATIENCE
        while not condition():
            assert self.process.poll() is None or what == 'exit', \
                'ansible-rulebook exited (%s) while waiting for %s:\n%s' % (self.process.returncode, what, self.output())
            assert time.monotonic() < deadline, 'no %s within %d s:\n%s' % (what, PATIENCE, self.output())
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def list_requests(emulator, after=None):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')
            and (after is None or entry['started'] > after)]


def downloads_of(emulator, task_id):
    return [entry for entry in emulator.requests_log() if entry['path'].endswith('/%s/download' % task_id)]


def test_the_example_rulebook_downloads_each_new_export_once_and_reports_a_failure_once(ansible_rulebook, tmp_path):
    seed = {'tasks': [{'task_id': 'old-success', 'file_name': 'old.xlsx', 'status': 'SUCCESS'},
                      {'task_id': 'old-failure', 'file_name': 'old-failed.xlsx', 'status': 'FAIL'}]}
    with EmulatorProcess(seed=seed) as emulator:
        rulebook = Rulebook(ansible_rulebook, emulator, tmp_path)
        try:
            # The source read the tasks at start and polls.
            rulebook.wait_for(lambda: len(list_requests(emulator)) >= 5, 'poll')

            # An outage: the poll fails after the client's retries, a warning says so, and the source goes on.
            emulator.inject({'status': 503, 'count': 5, 'retry_after': 1})
            rulebook.wait_for(lambda: 'polling works again after 1 failure(s)' in rulebook.output(), 'recovery')

            running, failing = emulator.add_tasks([{'file_name': 'users.xlsx', 'status': 'CREATING'},
                                                   {'file_name': 'groups.xlsx', 'status': 'CREATING'}])
            added = time.monotonic()
            rulebook.wait_for(lambda: list_requests(emulator, after=added), 'poll that sees the running exports')

            emulator.finish_tasks([running['task_id']])
            emulator.finish_tasks([failing['task_id']], status='FAIL', fail_reason='The disk is full.',
                                  error_code='WKS.00010002')
            # Created and finished between two polls: an export that finished all the same.
            [between] = emulator.add_tasks([{'file_name': 'desktops.xlsx', 'status': 'SUCCESS'}])

            failure_line = 'Export task %s (groups.xlsx) ended FAIL: WKS.00010002 The disk is full.' % failing['task_id']
            rulebook.wait_for(lambda: (rulebook.downloads / 'users.xlsx').exists()
                              and (rulebook.downloads / 'desktops.xlsx').exists()
                              and failure_line in rulebook.output()
                              and rulebook.output().count('PLAY RECAP') == 2, 'downloads and the failure report')
            done = time.monotonic()
            rulebook.wait_for(lambda: len(list_requests(emulator, after=done)) >= POLLS_AFTERWARDS, 'more polls')
        finally:
            rulebook.stop()
        output = rulebook.output()

        assert (rulebook.downloads / 'users.xlsx').read_bytes() == emulator.file_bytes(running['task_id'])
        assert (rulebook.downloads / 'desktops.xlsx').read_bytes() == emulator.file_bytes(between['task_id'])
        assert sorted(path.name for path in rulebook.downloads.iterdir()) == ['desktops.xlsx', 'users.xlsx']
        for task_id in (running['task_id'], between['task_id']):
            assert len(downloads_of(emulator, task_id)) == 1
        assert downloads_of(emulator, 'old-success') == []
        # Three exports finished while it ran: three events, each rule once per event.
        assert output.count('[received event]') == 3
        assert output.count(failure_line) == 1
        assert output.count('PLAY RECAP') == 2
        assert 'old-failure' not in output and 'old-success' not in output
        assert output.count('polling failed (1 time(s) in a row)') == 1 and 'HTTP 503' in output
        for secret in rulebook.secrets:
            assert secret not in output


def test_refused_credentials_stop_the_rulebook_with_a_message_and_no_secret(ansible_rulebook, tmp_path):
    wrong_secret = 'wrong-secret-key-0123456789'
    with EmulatorProcess() as emulator:
        rulebook = Rulebook(ansible_rulebook, emulator, tmp_path, {'HUAWEICLOUD_SDK_SK': wrong_secret})
        try:
            rulebook.wait_for(lambda: rulebook.process.poll() is not None, 'exit')
        finally:
            rulebook.stop()
        output = rulebook.output()
    assert rulebook.process.returncode != 0
    assert 'hwcloud.workspace.export_tasks: GET %s/v3/projects?name=%s failed with HTTP 401' % (
        emulator.url, emulator.region) in output
    assert wrong_secret not in output and emulator.token not in output


def test_a_restart_with_a_catch_up_handles_exactly_the_exports_that_finished_while_it_was_down(ansible_rulebook,
                                                                                                tmp_path):
    """The rulebook runs while three exports run, and stops; the three finish (two succeed, one fails); started
    again with EXPORT_CATCH_UP=1h it handles exactly those three, once: not an export that finished three hours
    ago, and nothing twice."""
    three_hours_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
    seed = {'tasks': [{'task_id': 'old-success', 'file_name': 'old.xlsx', 'status': 'SUCCESS',
                       'create_time': (three_hours_ago - datetime.timedelta(minutes=2)).isoformat(),
                       'end_time': three_hours_ago.isoformat()}]}
    with EmulatorProcess(seed=seed) as emulator:
        first = Rulebook(ansible_rulebook, emulator, tmp_path)
        try:
            exports = emulator.add_tasks([{'file_name': 'users.xlsx', 'status': 'CREATING'},
                                          {'file_name': 'groups.xlsx', 'status': 'CREATING'},
                                          {'file_name': 'desktops.xlsx', 'status': 'CREATING'}])
            added = time.monotonic()
            first.wait_for(lambda: len(list_requests(emulator, after=added)) >= 4, 'polls that see the exports running')
        finally:
            first.stop()
        emulator.finish_tasks([exports[0]['task_id'], exports[2]['task_id']])
        emulator.finish_tasks([exports[1]['task_id']], status='FAIL', fail_reason='The disk is full.',
                              error_code='WKS.00010002')

        second = Rulebook(ansible_rulebook, emulator, tmp_path, {'EXPORT_CATCH_UP': '1h'}, run='second')
        try:
            failure_line = 'Export task %s (groups.xlsx) ended FAIL: WKS.00010002 The disk is full.' % (
                exports[1]['task_id'])
            second.wait_for(lambda: (second.downloads / 'users.xlsx').exists()
                            and (second.downloads / 'desktops.xlsx').exists()
                            and failure_line in second.output()
                            and second.output().count('PLAY RECAP') == 2, 'the catch-up')
            done = time.monotonic()
            second.wait_for(lambda: len(list_requests(emulator, after=done)) >= POLLS_AFTERWARDS, 'more polls')
        finally:
            second.stop()
        output = second.output()
        for export in (exports[0], exports[2]):
            assert len(downloads_of(emulator, export['task_id'])) == 1
        assert downloads_of(emulator, 'old-success') == []

    assert '[received event]' not in first.output()
    assert output.count('[received event]') == 3
    assert sorted(path.name for path in second.downloads.iterdir()) == ['desktops.xlsx', 'users.xlsx']
    for export in exports:
        # Each event says where it came from and has its stable key.
        assert "'key': '%s/%s'" % (export['task_id'], 'FAIL' if export is exports[1] else 'SUCCESS') in output
    assert output.count("'region': '%s'" % emulator.region) >= 3 and "'project_id': '%s'" % emulator.project_id in output
    assert output.count(failure_line) == 1
    assert 'old-success' not in output
    for secret in second.secrets:
        assert secret not in output and secret not in first.output()
