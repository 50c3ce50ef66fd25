# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting: a task is finished only from a record that says so; time-outs, outages, disappearing tasks,
poll cost. A simulated clock drives the waiter; the in-process fake API changes between requests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi, TaskFollower
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WaitReporter, Waiter, check_wait_options, find_and_follow
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import (
    Answer,
    make_task,
    FakeClient,
    FakeCloud,
    make_tasks,
)

FINAL = ('SUCCESS', 'FAIL', 'EXPIRED')


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


class Schedule:
    """Tasks finish (or vanish) when the simulated clock passes their moment, seen by the next request."""

    def __init__(self, clock, finish_at=None, final=None, vanish_at=None):
        self.clock = clock
        self.finish_at = finish_at or {}
        self.final = final or {}
        self.vanish_at = vanish_at or {}

    def __call__(self, cloud, number):
        for task in list(cloud.tasks):
            task_id = task['task_id']
            if task_id in self.vanish_at and self.clock.now >= self.vanish_at[task_id]:
                cloud.tasks.remove(task)
            elif task['status'] == 'CREATING' and self.clock.now >= self.finish_at.get(task_id, float('inf')):
                task['status'] = self.final.get(task_id, 'SUCCESS')


def cloud_with(clock, creating, history=0, **schedule):
    tasks = make_tasks(history, status='SUCCESS', prefix='old') + make_tasks(creating)
    for number, task in enumerate(tasks):
        task['create_time'] = '%012d' % number
    return FakeCloud(tasks, before_request=Schedule(clock, **schedule))


def wait_for_tasks(api, tasks, timeout, sleep_seconds, clock=None, sleep=None, reporter=None, deadline=None):
    """The wait every module runs: a Waiter following tasks with a TaskFollower."""
    timing = dict((name, value) for name, value in (('clock', clock), ('sleep', sleep)) if value is not None)
    waiter = Waiter(TaskFollower(api).fetch, reporter=reporter, **timing)
    return waiter.wait(tasks, timeout, sleep_seconds, deadline=deadline)


def wait(cloud, clock, timeout=60, sleep=2, concurrency=8, **kwargs):
    api = ExportTaskApi(Workspace(FakeClient(cloud, concurrency), 'proj'))
    followed = [dict(task) for task in cloud.tasks if task['status'] == 'CREATING']
    cloud.requests[:] = []
    return wait_for_tasks(api, followed, timeout, sleep, clock=clock, sleep=clock.sleep, **kwargs)


@pytest.mark.parametrize('option, maximum', [('wait_timeout', 604800), ('wait_sleep', 3600)])
def test_a_time_value_past_its_ceiling_is_refused_naming_the_option(option, maximum):
    params = dict(wait_timeout=600.0, wait_sleep=5.0)
    params[option] = 1e10
    with pytest.raises(WorkspaceConfigError) as caught:
        check_wait_options(params)
    assert str(caught.value) == '%s must be at most %d seconds, got 10000000000.0' % (option, maximum)
    params[option] = float(maximum)
    assert check_wait_options(params)


def test_waits_until_all_finish_and_returns_final_records():
    clock = Clock()
    cloud = cloud_with(clock, 2, finish_at={'task-00000': 3.0, 'task-00001': 5.0}, final={'task-00001': 'FAIL'})
    outcome = wait(cloud, clock)
    assert [(t['task_id'], t['status']) for t in outcome.tasks] == [('task-00000', 'SUCCESS'), ('task-00001', 'FAIL')]
    assert not outcome.timed_out and outcome.missing_ids == []
    # polls at 2, 4, 6; the last one finished at 5, so the wait ends right after the poll at 6
    assert clock.sleeps == [2, 2, 2] and clock.now == 6


def test_nothing_creating_returns_without_a_request():
    clock = Clock()
    cloud = cloud_with(clock, 0, history=3)
    outcome = wait(cloud, clock)
    assert cloud.requests == [] and clock.sleeps == [] and outcome.tasks == []


def test_times_out_naming_tasks_still_creating_with_last_records():
    clock = Clock()
    cloud = cloud_with(clock, 2, finish_at={'task-00000': 1.0})
    outcome = wait(cloud, clock, timeout=5, sleep=2)
    assert outcome.timed_out and outcome.creating_ids == ['task-00001']
    assert [t['status'] for t in outcome.tasks] == ['SUCCESS', 'CREATING']
    assert clock.sleeps == [2, 2, 1] and clock.now == 5


def test_an_outage_shorter_than_the_timeout_does_not_end_the_wait():
    clock = Clock()
    cloud = cloud_with(clock, 1, finish_at={'task-00000': 9.0})
    answer = cloud.answer

    def outage(params):
        if 3 <= clock.now < 8:
            raise WorkspaceTransportError('GET http://127.0.0.1:1/ failed after 5 attempt(s): Connection refused')
        if 8 <= clock.now < 9:
            raise WorkspaceApiError('GET', 'http://127.0.0.1:1/', 503, 'APIGW.0202', 'The backend is unavailable.')
        return answer(params)

    cloud.answer = outage
    outcome = wait(cloud, clock, timeout=60, sleep=2)
    assert not outcome.timed_out and outcome.tasks[0]['status'] == 'SUCCESS' and outcome.last_error is None
    assert clock.now == 10


def test_an_outage_longer_than_the_timeout_times_out_with_the_last_error():
    clock = Clock()
    cloud = cloud_with(clock, 1)

    def down(params):
        raise WorkspaceTransportError('GET http://127.0.0.1:1/ failed after 5 attempt(s): Connection refused')

    cloud.answer = down
    outcome = wait(cloud, clock, timeout=7, sleep=2)
    assert outcome.creating_ids == ['task-00000'] and 'Connection refused' in outcome.last_error
    assert clock.now == 7


@pytest.mark.parametrize('status', [400, 401, 403, 404])
def test_a_non_retryable_answer_ends_the_wait_at_once(status):
    clock = Clock()
    cloud = cloud_with(clock, 1)

    def refuse(params):
        raise WorkspaceApiError('GET', 'http://127.0.0.1:1/', status, 'APIGW.0301', 'no')

    cloud.answer = refuse
    with pytest.raises(WorkspaceApiError) as caught:
        wait(cloud, clock, timeout=60, sleep=2)
    assert caught.value.status == status and clock.now == 2


def test_every_request_carries_the_deadline():
    clock = Clock()
    cloud = cloud_with(clock, 150, history=500, finish_at=dict(('task-%05d' % n, 3.0) for n in range(150)))
    client = FakeClient(cloud)
    followed = [dict(task) for task in cloud.tasks if task['status'] == 'CREATING']
    wait_for_tasks(ExportTaskApi(Workspace(client, 'proj')), followed, 30, 2, clock=clock, sleep=clock.sleep, deadline=25.0)
    assert client.deadlines and set(client.deadlines) == {25.0}


def test_the_last_sleep_never_passes_the_deadline():
    clock = Clock()
    cloud = cloud_with(clock, 1)
    wait(cloud, clock, timeout=4.5, sleep=2)
    assert clock.sleeps == [2, 2, 0.5] and clock.now == 4.5


def test_three_hundred_tasks_cost_at_most_four_list_requests_per_poll_whatever_the_history():
    clock = Clock()
    rng = random.Random(7)
    cloud = cloud_with(clock, 300, history=5000,
                       finish_at=dict(('task-%05d' % n, rng.uniform(0.1, 10)) for n in range(300)))
    polls = []
    cloud_answer = cloud.answer

    def count(params):
        polls.append(clock.now)
        return cloud_answer(params)

    cloud.answer = count
    outcome = wait(cloud, clock, sleep=1)
    assert not outcome.timed_out and len(outcome.tasks) == 300
    assert all(t['status'] == 'SUCCESS' for t in outcome.tasks)
    per_poll = dict((moment, polls.count(moment)) for moment in set(polls))
    assert max(per_poll.values()) <= 4
    # no status filter: finished tasks are read with their final record
    assert all('status' not in query for query in cloud.requests)


def test_a_task_pushed_down_by_new_tasks_is_still_found():
    clock = Clock()
    cloud = cloud_with(clock, 3, history=400, finish_at={'task-00002': 5.0})

    def burst(fake, number):
        Schedule(clock, finish_at={'task-00000': 1.0, 'task-00001': 1.0, 'task-00002': 5.0})(fake, number)
        if 3 <= clock.now < 4:
            for dummy in range(250):
                fake.add()

    cloud.before_request = burst
    outcome = wait(cloud, clock, sleep=1)
    assert [t['status'] for t in outcome.tasks] == ['SUCCESS'] * 3 and not outcome.missing_ids


def test_a_task_that_disappears_is_reported_missing_not_finished():
    clock = Clock()
    cloud = cloud_with(clock, 2, finish_at={'task-00000': 3.0}, vanish_at={'task-00001': 1.0})
    outcome = wait(cloud, clock)
    assert outcome.missing_ids == ['task-00001'] and not outcome.timed_out
    assert [t['task_id'] for t in outcome.tasks] == ['task-00000']


class Recorder(WaitReporter):
    def __init__(self):
        self.calls = []

    def started(self, task_ids, timeout):
        self.calls.append(('started', list(task_ids), timeout))

    def finished(self, records):
        self.calls.append(('finished', [(t['task_id'], t['status']) for t in records]))

    def polled(self, creating_ids, waited, timeout):
        self.calls.append(('polled', list(creating_ids), waited, timeout))


def test_reporter_hears_start_finishes_and_every_poll():
    clock = Clock()
    cloud = cloud_with(clock, 2, finish_at={'task-00000': 1.0, 'task-00001': 3.0})
    recorder = Recorder()
    wait(cloud, clock, reporter=recorder)
    assert recorder.calls == [
        ('started', ['task-00000', 'task-00001'], 60),
        ('finished', [('task-00000', 'SUCCESS')]),
        ('polled', ['task-00001'], 2.0, 60),
        ('finished', [('task-00001', 'SUCCESS')]),
        ('polled', [], 4.0, 60),
    ]


def test_the_base_reporter_does_nothing():
    reporter = WaitReporter()
    assert reporter.started(['a'], 1) is None and reporter.finished([]) is None and reporter.polled([], 0, 1) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), followed=st.integers(1, 40), history=st.integers(0, 250), page_cap=st.integers(1, 100),
       concurrency=st.sampled_from([1, 2, 8]), timeout=st.floats(1, 30), sleep=st.floats(0.5, 5))
def test_property_never_finished_while_creating_never_missed_at_the_timeout(
        data, followed, history, page_cap, concurrency, timeout, sleep):
    """Tasks finish, appear and vanish between any two requests (also between the pages of one poll)."""
    clock = Clock()
    tasks = make_tasks(history, status='SUCCESS', prefix='old') + make_tasks(followed)
    for number, task in enumerate(tasks):
        task['create_time'] = '%012d' % number
    finish_at_request = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 60)), min_size=followed,
                                           max_size=followed), label='finish at request')
    vanish = data.draw(st.sets(st.integers(0, followed - 1), max_size=3), label='vanish')
    # Drawn here: the requests (and so the changes) may run in the paging threads.
    new_at = data.draw(st.dictionaries(st.integers(0, 60), st.tuples(st.integers(1, 120), st.sampled_from(
        ['CREATING', 'SUCCESS'])), max_size=5), label='new tasks (how many, status) before request')

    def churn(cloud, number):
        for index, moment in enumerate(finish_at_request):
            task_id = 'task-%05d' % index
            if moment == number:
                if index in vanish:
                    cloud.tasks[:] = [task for task in cloud.tasks if task['task_id'] != task_id]
                else:
                    for task in cloud.tasks:
                        if task['task_id'] == task_id:
                            task['status'] = ('SUCCESS', 'FAIL')[index % 2]
        if number in new_at:
            how_many, status = new_at[number]
            for dummy in range(how_many):
                cloud.add(status=status)

    cloud = FakeCloud(tasks, page_cap=page_cap, before_request=churn, latency=0.0005 if concurrency > 1 else 0)
    outcome = wait(cloud, clock, timeout=timeout, sleep=sleep, concurrency=concurrency)

    for task in outcome.tasks:
        server = cloud.status_of(task['task_id'])
        if task['task_id'] in outcome.creating_ids:
            assert task['status'] == 'CREATING'
        else:
            # Declared finished: the record says so, and so does the server.
            assert task['status'] in FINAL and server in FINAL, (task, server)
    still = [task['task_id'] for task in cloud.tasks if task['status'] == 'CREATING' and task['task_id'].startswith('task-')]
    assert set(still) <= set(outcome.creating_ids)
    for task_id in outcome.missing_ids:
        assert cloud.status_of(task_id) is None
    assert clock.now <= timeout + 1e-9


def test_a_request_in_flight_at_the_deadline_is_cut_by_it_not_by_the_request_timeout(server):
    """wait_timeout bounds the whole run: the poll's request gets the wait's deadline (timeout is 30 s)."""
    server.tasks = [make_task(1, status='CREATING')]
    serve = server.default
    server.default = lambda request: Answer(**dict(vars(serve(request)), delay=3))
    connection = resolve_connection(dict(endpoint=server.url, iam_endpoint=server.url, project_id='proj',
                                         access_key='AK', secret_key='SK', timeout=30, retries=4), environ={})
    with WorkspaceClient(connection) as client:
        outcome = wait_for_tasks(ExportTaskApi(Workspace(client, 'proj')), list(server.tasks), 0.6, 0.1)
    # one attempt, cut at the deadline (not an outage to report): no retry started after it
    assert outcome.creating_ids == ['task-0001'] and outcome.last_error is None
    assert len(server.requests) == 1


class Opener:
    """An operation's connection for find_and_follow: the Workspace over a fake cloud, and whether it was opened."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.opened = 0

    def __call__(self):
        self.opened += 1
        return contextlib.nullcontext(Workspace(FakeClient(self.cloud), 'proj'))


FOLLOW_PARAMS = dict(wait_timeout=60.0, wait_sleep=0.1, max_tasks=1000)


@pytest.mark.parametrize('option, value', [('wait_timeout', -1), ('wait_sleep', 0), ('max_tasks', 0)])
def test_find_and_follow_checks_its_options_before_opening_the_connection(option, value):
    opener = Opener(FakeCloud(make_tasks(1)))
    with pytest.raises(WorkspaceConfigError, match='^%s must be' % option):
        find_and_follow(opener, dict(FOLLOW_PARAMS, **{option: value}), {}, None, wait=True)
    assert opener.opened == 0


def test_find_and_follow_without_wait_only_finds():
    cloud = FakeCloud(make_tasks(2) + make_tasks(1, status='SUCCESS', prefix='done'))
    tasks, count, missing, outcome = find_and_follow(Opener(cloud), FOLLOW_PARAMS, dict(status='CREATING'), None,
                                                     wait=False)
    assert [task['task_id'] for task in tasks] == ['task-00000', 'task-00001'] and count == 2
    assert missing == [] and outcome is None


def test_find_and_follow_follows_nothing_when_a_task_id_is_unknown():
    cloud = FakeCloud(make_tasks(1))
    tasks, dummy, missing, outcome = find_and_follow(Opener(cloud), FOLLOW_PARAMS, {}, ['task-00000', 'ghost'],
                                                     wait=True)
    assert [task['task_id'] for task in tasks] == ['task-00000'] and missing == ['ghost'] and outcome is None


def test_find_and_follow_waits_until_the_tasks_found_are_finished():
    def finish_after_the_first_look(cloud, number):
        if number > 0:
            for task in cloud.tasks:
                task['status'] = 'SUCCESS'

    cloud = FakeCloud(make_tasks(2), before_request=finish_after_the_first_look)
    heard = []

    class Reporter(WaitReporter):
        def started(self, task_ids, timeout):
            heard.append((task_ids, timeout))

    tasks, count, missing, outcome = find_and_follow(Opener(cloud), FOLLOW_PARAMS, dict(status='CREATING'), None,
                                                     wait=True, reporter=Reporter())
    assert [task['status'] for task in tasks] == ['CREATING', 'CREATING'] and count == 2 and missing == []
    finished = [(task['task_id'], task['status']) for task in outcome.tasks]
    assert finished == [('task-00000', 'SUCCESS'), ('task-00001', 'SUCCESS')]
    assert not outcome.timed_out and outcome.missing_ids == []
    assert heard == [(['task-00000', 'task-00001'], 60.0)]
