# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting logic with a simulated clock: poll cost, stop at once, time-out, disappearing tasks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random

from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import wait_for_tasks
from ansible_collections.hwcloud.workspace.tests.unit.http_server import make_task


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


class FakeCloud:
    """Tasks that finish at given times on the fake clock; counts list requests per poll."""

    def __init__(self, clock, finish_at, final=None, others=0):
        self.clock = clock
        self.finish_at = finish_at
        self.final = final or {}
        self.gone = set()
        self.others = [make_task(10000 + n) for n in range(others)]
        self.requests = []

    def tasks(self):
        result = list(self.others)
        for number, moment in sorted(self.finish_at.items()):
            if 'task-%04d' % number in self.gone:
                continue
            status = 'CREATING' if self.clock.now < moment else self.final.get(number, 'SUCCESS')
            result.append(make_task(number, status=status))
        return result


class RecordingApi(ExportTaskApi):
    """The real paging code over the fake cloud's single pages."""

    def __init__(self, cloud):
        ExportTaskApi.__init__(self, client=None)
        self.cloud = cloud

    def list_page(self, filters, offset=None, limit=None):
        self.cloud.requests.append((self.cloud.clock.now, dict(filters), offset))
        matching = [t for t in self.cloud.tasks() if filters.get('status') in (None, t['status'])
                    and filters.get('task_id') in (None, t['task_id'])]
        if filters.get('sort_type') == 'DESC':
            matching.reverse()
        offset = offset or 0
        return matching[offset:offset + (limit or 20)], len(matching)


def run(cloud, clock, timeout=60, sleep=2):
    api = RecordingApi(cloud)
    first = [task for task in cloud.tasks() if task not in cloud.others]
    return wait_for_tasks(api, first, timeout, sleep, clock=clock, sleep=clock.sleep)


def test_waits_until_all_finish_and_returns_final_records():
    clock = Clock()
    cloud = FakeCloud(clock, {1: 3.0, 2: 5.0}, final={2: 'FAIL'})
    outcome = run(cloud, clock)
    assert [(t['task_id'], t['status']) for t in outcome.tasks] == [('task-0001', 'SUCCESS'), ('task-0002', 'FAIL')]
    assert not outcome.timed_out and outcome.missing_ids == []
    # polls at 2, 4, 6; the last finished at 5, so it stops right after the poll at 6
    assert clock.sleeps == [2, 2, 2] and clock.now == 6


def test_nothing_creating_returns_without_a_request():
    clock = Clock()
    cloud = FakeCloud(clock, {1: 0.0})
    outcome = run(cloud, clock)
    assert cloud.requests == [] and clock.sleeps == [] and outcome.tasks[0]['status'] == 'SUCCESS'


def test_times_out_naming_tasks_still_creating_with_last_records():
    clock = Clock()
    cloud = FakeCloud(clock, {1: 1.0, 2: 100.0})
    outcome = run(cloud, clock, timeout=5, sleep=2)
    assert outcome.timed_out and outcome.creating_ids == ['task-0002']
    assert [t['status'] for t in outcome.tasks] == ['SUCCESS', 'CREATING']
    assert clock.sleeps == [2, 2, 1] and clock.now == 5


def test_three_hundred_tasks_cost_at_most_three_list_requests_per_poll():
    clock = Clock()
    rng = random.Random(7)
    cloud = FakeCloud(clock, dict((n, rng.uniform(0.1, 10)) for n in range(300)), others=5000)
    outcome = run(cloud, clock, sleep=1)
    assert not outcome.timed_out and all(t['status'] == 'SUCCESS' for t in outcome.tasks)
    assert len(outcome.tasks) == 300
    per_poll = {}
    for moment, filters, dummy in cloud.requests:
        per_poll[moment] = per_poll.get(moment, 0) + 1
    final_fetch = per_poll.pop(clock.now)  # the poll at the end also fetches the final records
    assert max(per_poll.values()) <= 3
    assert final_fetch <= 1 + 4  # last poll, then newest pages until the 300 are found
    # history (5000 other tasks) does not make polls dearer
    assert all(filters == {'status': 'CREATING', 'sort_field': 'create_time', 'sort_type': 'ASC'}
               for moment, filters, dummy in cloud.requests if moment < clock.now)


def test_disappeared_task_is_reported():
    clock = Clock()
    cloud = FakeCloud(clock, {1: 3.0, 2: 3.0})
    api = RecordingApi(cloud)
    first = cloud.tasks()
    cloud.gone.add('task-0002')
    outcome = wait_for_tasks(api, first, 60, 2, clock=clock, sleep=clock.sleep)
    assert outcome.missing_ids == ['task-0002']
    assert [t['task_id'] for t in outcome.tasks] == ['task-0001']


class Recorder:
    def __init__(self):
        self.calls = []

    def started(self, task_ids, timeout):
        self.calls.append(('started', list(task_ids), timeout))

    def finished(self, records):
        self.calls.append(('finished', sorted((t['task_id'], t['status']) for t in records)))

    def polled(self, creating_ids, waited, timeout):
        self.calls.append(('polled', list(creating_ids), waited, timeout))


def test_reporter_hears_start_finishes_and_every_poll():
    clock = Clock()
    cloud = FakeCloud(clock, {1: 1.0, 2: 3.0})
    recorder = Recorder()
    first = cloud.tasks()
    wait_for_tasks(RecordingApi(cloud), first, 60, 2, clock=clock, sleep=clock.sleep, reporter=recorder)
    assert recorder.calls[0] == ('started', ['task-0001', 'task-0002'], 60)
    assert [call for call in recorder.calls if call[0] == 'polled'] == [
        ('polled', ['task-0002'], 2.0, 60), ('polled', [], 4.0, 60)]
    assert [call[1] for call in recorder.calls if call[0] == 'finished'] and \
        sorted(sum([call[1] for call in recorder.calls if call[0] == 'finished'], [])) == [
            ('task-0001', 'SUCCESS'), ('task-0002', 'SUCCESS')]
