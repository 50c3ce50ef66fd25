# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Follow export tasks until none of them is CREATING, within one run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

CREATING = 'CREATING'


class WaitOutcome:
    """The last records seen, in the order followed, and what is still open."""

    def __init__(self, tasks, creating_ids, missing_ids):
        self.tasks = tasks
        self.creating_ids = creating_ids
        self.missing_ids = missing_ids

    @property
    def timed_out(self):
        return bool(self.creating_ids)


def wait_for_tasks(api, tasks, timeout, sleep_seconds, clock=time.monotonic, sleep=time.sleep):
    """Poll until no task of tasks is CREATING or timeout seconds have passed.

    A poll lists only the CREATING tasks (pages of 100), so its cost follows how many exports are
    running, not how many are followed or how long the history is. Final records of the tasks that
    finished are fetched once, at the end.
    """
    deadline = clock() + timeout
    records = dict((task['task_id'], task) for task in tasks)
    pending = set(task_id for task_id, task in records.items() if task['status'] == CREATING)
    finished = set()
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
    missing = []
    if finished:
        final, missing = api.get_by_ids(sorted(finished))
        records.update((task['task_id'], task) for task in final)
    ordered = [task['task_id'] for task in tasks]
    return WaitOutcome(
        tasks=[records[task_id] for task_id in ordered if task_id not in missing],
        creating_ids=[task_id for task_id in ordered if task_id in pending],
        missing_ids=[task_id for task_id in ordered if task_id in missing],
    )
