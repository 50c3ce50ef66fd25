# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Follow export tasks until none of them is CREATING, within one run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

CREATING = 'CREATING'


class WaitReporter:
    """Hears how a wait goes; this base class ignores it all (the module's default).

    A front end that shows progress (the action plugin) overrides what it needs. Calls come from the
    waiting thread, in this order: started once, then per poll finished (when some tasks just reached a
    final status) and polled. Heartbeat pacing is the reporter's business, not the waiter's.
    """

    def started(self, task_ids, timeout):
        """Waiting begins on these CREATING task IDs, for at most timeout seconds."""

    def finished(self, records):
        """These records just reached a final status (called once per poll that saw some)."""

    def polled(self, creating_ids, waited, timeout):
        """A poll ended: these IDs are still CREATING after waited of timeout seconds."""


class WaitOutcome:
    """The last records seen, in the order followed, and what is still open."""

    def __init__(self, tasks, creating_ids, missing_ids):
        self.tasks = tasks
        self.creating_ids = creating_ids
        self.missing_ids = missing_ids

    @property
    def timed_out(self):
        return bool(self.creating_ids)


def wait_for_tasks(api, tasks, timeout, sleep_seconds, clock=time.monotonic, sleep=time.sleep, reporter=None):
    """Poll until no task of tasks is CREATING or timeout seconds have passed.

    A poll lists only the CREATING tasks (pages of 100), so its cost follows how many exports are
    running, not how many are followed or how long the history is. Final records of the tasks that
    finished are fetched once, at the end.
    """
    reporter = reporter or WaitReporter()
    started_at = clock()
    deadline = started_at + timeout
    records = dict((task['task_id'], task) for task in tasks)
    pending = set(task_id for task_id, task in records.items() if task['status'] == CREATING)
    finished = set()
    if pending:
        reporter.started([task['task_id'] for task in tasks if task['task_id'] in pending], timeout)
    while pending:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(sleep_seconds, remaining))
        creating = api.list_all({'status': CREATING})[0]
        still = dict((task['task_id'], task) for task in creating if task['task_id'] in pending)
        records.update(still)
        finished |= pending - set(still)
        pending = set(still)
        reporter.polled(sorted(pending), clock() - started_at, timeout)
    missing = []
    if finished:
        final, missing = api.get_by_ids(sorted(finished))
        records.update((task['task_id'], task) for task in final)
        reporter.finished(final)
    ordered = [task['task_id'] for task in tasks]
    return WaitOutcome(
        tasks=[records[task_id] for task_id in ordered if task_id not in missing],
        creating_ids=[task_id for task_id in ordered if task_id in pending],
        missing_ids=[task_id for task_id in ordered if task_id in missing],
    )
