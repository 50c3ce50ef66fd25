# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one wait contract: wait_timeout and wait_sleep mean the same in every module that waits, and a wait
is a clock, a "finished" predicate and a way to fetch the followed tasks (see Waiter).

WAIT_ARG_SPEC is documented by the doc fragment hwcloud.workspace.wait (plugins/doc_fragments/wait.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import check_seconds
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError

CREATING = 'CREATING'
DEFAULT_WAIT_TIMEOUT = 600.0
DEFAULT_WAIT_SLEEP = 5.0
# Ceilings of the wait options (a week, an hour): a deadline and each sleep stay far within what time_t takes.
MAX_WAIT_TIMEOUT = 604800.0
MAX_WAIT_SLEEP = 3600.0
WAIT_ARG_SPEC = dict(
    wait_timeout=dict(type='float', default=DEFAULT_WAIT_TIMEOUT),
    wait_sleep=dict(type='float', default=DEFAULT_WAIT_SLEEP),
)


def check_wait_options(params):
    """(wait_timeout, wait_sleep): 0 to a week and more than 0 to an hour, in seconds, before any request."""
    return (check_seconds('wait_timeout', params['wait_timeout'], allow_zero=True, maximum=MAX_WAIT_TIMEOUT),
            check_seconds('wait_sleep', params['wait_sleep'], maximum=MAX_WAIT_SLEEP))


def first_look_deadline(timeout, deadline):
    """The deadline of a wait's first look at its tasks: none when wait_timeout is 0, which means look once and
    do not wait (a deadline that has passed already would not let even that look be sent)."""
    return None if timeout == 0 else deadline


def is_finished(record):
    """A task is finished only when a record shows a status other than CREATING."""
    return record['status'] != CREATING


class WaitReporter:
    """Hears how a wait goes; this base class ignores it all (a shipped module's default).

    A front end that shows progress (the action plugins) overrides what it needs. Calls come from the
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
    """The last records seen, in the order followed, and what is still open.

    creating_ids: followed tasks never seen finished (when the time ran out); missing_ids: followed tasks
    that disappeared; last_error: why the last poll failed, when it did; timeout: the seconds waited for.
    """

    def __init__(self, tasks, creating_ids, missing_ids, timeout, last_error=None):
        self.tasks = tasks
        self.creating_ids = creating_ids
        self.missing_ids = missing_ids
        self.timeout = timeout
        self.last_error = last_error

    @property
    def timed_out(self):
        return bool(self.creating_ids)


def timed_out_message(outcome, option='wait_timeout'):
    """The one time-out message of every wait: how long, which tasks are still CREATING, that the exports go
    on, and the option that sets the limit."""
    records = dict((task['task_id'], task) for task in outcome.tasks)
    message = ('Timed out after %g seconds with %d export task(s) still CREATING: %s. The exports go on in the '
               'service: wait for them again, or raise %s.' % (
                   outcome.timeout, len(outcome.creating_ids),
                   ', '.join('%s (file %s)' % (task_id, records[task_id]['file_name'])
                             for task_id in outcome.creating_ids), option))
    if outcome.last_error:
        message += ' The last poll failed: %s' % outcome.last_error
    return message


class Waiter:
    """Polls until no followed task is pending, as kubernetes.core's waiter does for its resources.

    fetch(task_ids, deadline) returns (records by task ID, IDs no longer found) for the pending tasks; it is
    the strategy that knows how to find them cheaply (see _export_tasks.TaskFollower). finished(record) says
    whether a record ends the wait for its task. clock and sleep are time.monotonic and time.sleep unless a
    test gives its own.
    """

    def __init__(self, fetch, finished=is_finished, clock=time.monotonic, sleep=time.sleep, reporter=None):
        self.fetch = fetch
        self.finished = finished
        self.clock = clock
        self.sleep = sleep
        self.reporter = reporter or WaitReporter()

    def wait(self, tasks, timeout, sleep_seconds, deadline=None):
        """Poll until no task of tasks is pending, or until the deadline (default: timeout seconds from now).

        A poll that fails with an error worth retrying (transport, 429, 5xx) is retried until the deadline;
        any other error ends the wait. Every request gets the deadline, and the last sleep is shortened so
        that the last poll ends by it.
        """
        started_at = self.clock()
        deadline = started_at + timeout if deadline is None else deadline
        order = [task['task_id'] for task in tasks]
        records = dict((task['task_id'], task) for task in tasks)
        pending = [task_id for task_id in order if not self.finished(records[task_id])]
        missing = []
        last_error = None
        poll_seconds = 0.0
        if pending:
            self.reporter.started(pending, timeout)
        while pending:
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            pause = min(sleep_seconds, remaining - min(poll_seconds, remaining / 2))
            if pause > 0:
                self.sleep(pause)
                if self.clock() >= deadline:
                    break
            began = self.clock()
            try:
                found, gone = self.fetch(pending, deadline)
            except WorkspaceError as exc:
                if self.clock() >= deadline:
                    break  # cut by the deadline: the time-out says it all
                if not exc.retryable:
                    raise
                last_error = str(exc)
                continue
            poll_seconds = self.clock() - began
            last_error = None
            missing += gone
            records.update(found)
            done = [records[task_id] for task_id in pending if task_id in found and self.finished(records[task_id])]
            pending = [task_id for task_id in pending if task_id not in gone and not self.finished(records[task_id])]
            if done:
                self.reporter.finished(done)
            self.reporter.polled(list(pending), self.clock() - started_at, timeout)
        return WaitOutcome(
            tasks=[records[task_id] for task_id in order if task_id not in missing],
            creating_ids=[task_id for task_id in order if task_id in pending],
            missing_ids=[task_id for task_id in order if task_id in missing],
            timeout=timeout,
            last_error=last_error,
        )
