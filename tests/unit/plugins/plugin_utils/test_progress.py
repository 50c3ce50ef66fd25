# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The progress lines of a wait, paced by a fake clock, and how they travel (stderr, never stdout)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.plugin_utils._progress import StderrWaitReporter, write_stderr


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def reporter():
    lines, clock = [], Clock()
    return StderrWaitReporter('export_task_info [host1]', write=lines.append, clock=clock), lines, clock


def test_start_names_the_tasks_and_the_time_out():
    progress, lines, _clock = reporter()
    progress.started(['a', 'b'], 600)
    assert lines == ['export_task_info [host1]: waiting for 2 export task(s) to leave CREATING, time-out 600 s: a, b']


def test_many_tasks_are_counted_not_all_named():
    progress, lines, _clock = reporter()
    progress.started(['task-%02d' % number for number in range(25)], 1.5)
    assert lines[0].endswith('time-out 1.5 s: task-00, task-01, task-02, task-03, task-04, task-05, task-06, task-07, '
                             'task-08, task-09 and 15 more')


def test_finished_tasks_with_their_status():
    progress, lines, _clock = reporter()
    progress.started(['a', 'b'], 60)
    progress.finished([{'task_id': 'a', 'status': 'SUCCESS'}, {'task_id': 'b', 'status': 'FAIL'}])
    assert lines[-1] == 'export_task_info [host1]: 2 export task(s) finished: a SUCCESS, b FAIL'


def test_heartbeat_at_most_every_30_seconds_after_the_last_line():
    progress, lines, clock = reporter()
    progress.started(['a', 'b'], 600)
    for second in range(1, 95):
        clock.now = 100.0 + second
        if second == 40:
            progress.finished([{'task_id': 'a', 'status': 'SUCCESS'}])
        progress.polled(['b'], second, 600)
    assert lines[1:] == [
        'export_task_info [host1]: 1 export task(s) still CREATING after 30 s of 600 s',
        'export_task_info [host1]: 1 export task(s) finished: a SUCCESS',
        'export_task_info [host1]: 1 export task(s) still CREATING after 70 s of 600 s',
    ]


def test_no_heartbeat_when_nothing_is_creating_any_more():
    progress, lines, clock = reporter()
    progress.started(['a'], 600)
    clock.now += 45
    progress.polled([], 45, 600)
    assert len(lines) == 1


def test_lines_go_to_stderr(capsys):
    write_stderr('export_task_info [host1]: a line')
    captured = capsys.readouterr()
    assert 'export_task_info [host1]: a line' in captured.err and captured.out == ''


def test_ids_and_statuses_from_the_api_are_escaped_never_sent_to_the_terminal_raw():
    progress, lines, _clock = reporter()
    progress.started(['t1\x1b]0;owned\x07', 't2\x1b[2J'], 600)
    progress.finished([dict(task_id='t1\x1b]0;owned\x07', status='SUCCESS\nforged line\u202e')])
    assert lines == [
        'export_task_info [host1]: waiting for 2 export task(s) to leave CREATING, time-out 600 s: '
        't1\\x1b]0;owned\\x07, t2\\x1b[2J',
        'export_task_info [host1]: 1 export task(s) finished: t1\\x1b]0;owned\\x07 SUCCESS\\nforged line\\u202e',
    ]
    assert not any(char in line for line in lines for char in '\x1b\x07\n\u202e')
