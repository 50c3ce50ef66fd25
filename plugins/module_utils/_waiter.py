# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Follow export tasks until none of them is CREATING, within one run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import check_seconds
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError

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


def check_wait_options(params):
    """wait_timeout (0 or more) and wait_sleep (more than 0) as finite seconds, before any request."""
    check_seconds('wait_timeout', params['wait_timeout'], allow_zero=True)
    check_seconds('wait_sleep', params['wait_sleep'])


# Records that new tasks may push the followed ones down between two polls, beyond what the count showed.
DEPTH_MARGIN = 20


class WaitOutcome:
    """The last records seen, in the order followed, and what is still open.

    creating_ids: followed tasks never seen with a final status (when the time ran out);
    missing_ids: followed tasks that disappeared; last_error: why the last poll failed, when it did.
    """

    def __init__(self, tasks, creating_ids, missing_ids, last_error=None):
        self.tasks = tasks
        self.creating_ids = creating_ids
        self.missing_ids = missing_ids
        self.last_error = last_error

    @property
    def timed_out(self):
        return bool(self.creating_ids)


def wait_for_tasks(api, tasks, timeout, sleep_seconds, clock=time.monotonic, sleep=time.sleep, reporter=None,
                   deadline=None):
    """Poll until no task of tasks is CREATING, or until the deadline (default: timeout seconds from now).

    A task is finished only when a record shows it finished: each poll reads the newest tasks, without a
    status filter, down to where the followed ones were last seen (new tasks only push them down, so none
    is skipped by another finishing), and asks for any followed task not seen there by its ID (see
    ExportTaskApi.locate, which also picks the cheaper of the two). A task no longer found is missing.
    A poll that fails with an error worth retrying (transport, 429, 5xx) is retried until the deadline;
    any other error ends the wait. Every request gets the deadline, and the last sleep is shortened so
    that the last poll ends by it.
    """
    reporter = reporter or WaitReporter()
    started_at = clock()
    deadline = started_at + timeout if deadline is None else deadline
    order = [task['task_id'] for task in tasks]
    records = dict((task['task_id'], task) for task in tasks)
    pending = [task_id for task_id in order if records[task_id]['status'] == CREATING]
    missing, positions = [], {}
    last_count = last_error = None
    growth, poll_seconds = 0, 0.0
    if pending:
        reporter.started(pending, timeout)
    while pending:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        pause = min(sleep_seconds, remaining - min(poll_seconds, remaining / 2))
        if pause > 0:
            sleep(pause)
            if clock() >= deadline:
                break
        began = clock()
        try:
            located = api.locate(pending, depth=_depth(pending, positions, last_count, growth), deadline=deadline)
        except WorkspaceError as exc:
            if clock() >= deadline:
                break  # cut by the deadline: the time-out says it all
            if not exc.retryable:
                raise
            last_error = str(exc)
            continue
        poll_seconds = clock() - began
        last_error = None
        if located.count is not None:
            growth = 0 if last_count is None else max(0, located.count - last_count)
            last_count = located.count
        positions = located.positions
        missing += located.missing
        records.update(located.records)
        finished = [records[task_id] for task_id in pending
                    if task_id in located.records and records[task_id]['status'] != CREATING]
        pending = [task_id for task_id in pending
                   if task_id not in located.missing and records[task_id]['status'] == CREATING]
        if finished:
            reporter.finished(finished)
        reporter.polled(list(pending), clock() - started_at, timeout)
    return WaitOutcome(
        tasks=[records[task_id] for task_id in order if task_id not in missing],
        creating_ids=[task_id for task_id in order if task_id in pending],
        missing_ids=[task_id for task_id in order if task_id in missing],
        last_error=last_error,
    )


def _depth(pending, positions, last_count, growth):
    """How deep the next poll reads the newest tasks: None (search) before any page was read, 0 (ask for
    each by ID) when none of the pending ones was on a page, else below the deepest one, plus the tasks
    created since the poll before (they push it down) and a margin."""
    if last_count is None:
        return None
    placed = [positions[task_id] for task_id in pending if task_id in positions]
    if not placed:
        return 0
    return max(placed) + 1 + growth + DEPTH_MARGIN
