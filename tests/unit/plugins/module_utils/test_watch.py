# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source's poll strategy (module_utils/_watch.py) on the unit tests' one fake of the API, in process:
every answer comes at once, and the clock is a number the test moves, so nothing depends on the wall clock."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import random
import tracemalloc

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils import _watch
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import FakeClient, FakeCloud

T0 = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.timezone.utc).timestamp()
SECRET = 'watch-secret-0123456789'


def iso(seconds):
    """The API's form of T0 + seconds."""
    moment = datetime.datetime.fromtimestamp(T0 + seconds, datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def record(task_id, seconds, status='SUCCESS', ended=None, **fields):
    task = dict(task_id=task_id, file_name=task_id + '.xlsx', status=status, fail_reason=None, error_code=None,
                create_time=iso(seconds), end_time=None if ended is None else iso(ended), is_download=False)
    task.update(fields)
    return task


class Clock:
    def __init__(self, seconds=0.0):
        self.now = T0 + seconds

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def watch_of(cloud, clock, **options):
    return _watch.Watch(Workspace(FakeClient(cloud), 'proj'), clock=clock, **options)


def ids(finished):
    return [done.record['task_id'] for done in finished]


def project(finished_tasks):
    """finished_tasks finished a day before T0, three running ones older still, and two recent finished ones."""
    tasks = [record('old-%06d' % number, -86400 * 2 + number * 0.001, ended=-86400) for number in range(finished_tasks)]
    tasks += [record('run-%d' % number, -86400 * 3 + number, 'CREATING') for number in range(3)]
    tasks += [record('recent-%d' % number, -60 + number) for number in range(2)]
    tasks.sort(key=lambda task: task['create_time'])
    return tasks


def requests_of_a_start_and_a_poll(size):
    cloud = FakeCloud(project(size))
    clock = Clock()
    watch = watch_of(cloud, clock)
    assert watch.start() == []
    assert sorted(watch.followed) == ['run-0', 'run-1', 'run-2']
    at_start = [(query.get('status'), query.get('is_download')) for query in cloud.requests]
    del cloud.requests[:]
    clock.advance(30)
    cloud.tasks.append(record('new', 10))
    assert ids(watch.poll()[0]) == ['new']
    return at_start, [(query.get('status'), query.get('is_download')) for query in cloud.requests]


def test_the_start_and_a_poll_cost_the_same_requests_for_100_and_100000_finished_tasks():
    small, large = requests_of_a_start_and_a_poll(100), requests_of_a_start_and_a_poll(100000)
    assert small == large
    at_start, poll = large
    # The running tasks (status=CREATING), then the newest ones, with is_download false and true.
    assert at_start == [('CREATING', None), (None, False), (None, True)]
    # The newest ones, then the running ones, which are older than the horizon.
    assert poll == [(None, False), (None, True), ('CREATING', None)]


def test_the_horizon_is_the_watch_clock_not_a_record():
    """One record dated eight hours ahead (local time written with a Z) moves nothing: a task created and
    finished between two polls after it is still reported."""
    cloud = FakeCloud([record('a', -30)])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    clock.advance(30)
    cloud.tasks.append(record('skewed', 8 * 3600))
    assert ids(watch.poll()[0]) == ['skewed']
    for number in range(3):
        clock.advance(30)
        cloud.tasks.insert(-1, record('between-%d' % number, clock.now - T0 - 5))
        assert ids(watch.poll()[0]) == ['between-%d' % number]
    assert 'skewed' in watch.settled  # still seen at every poll: never reported again


def test_a_task_reported_once_is_never_reported_again_whatever_its_later_records_say():
    cloud = FakeCloud([record('a', -10, 'CREATING')])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    reported = []
    for status in ('SUCCESS', 'CREATING', 'SUCCESS', 'EXPIRED', 'CREATING', 'FAIL'):
        cloud.tasks[0]['status'] = status
        clock.advance(30)
        reported += watch.poll()[0]
    assert [(done.record['status'], done.previous_status) for done in reported] == [('SUCCESS', 'CREATING')]


def test_a_status_it_does_not_know_is_followed_like_creating_until_a_final_one():
    cloud = FakeCloud([record('a', -10, 'CREATING')])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    cloud.tasks[0]['status'] = 'QUEUED'
    clock.advance(30)
    assert watch.poll()[0] == [] and watch.followed == {'a': 'QUEUED'}
    cloud.tasks[0]['status'] = 'SUCCESS'
    clock.advance(30)
    [done] = watch.poll()[0]
    assert done.previous_status == 'QUEUED' and watch.followed == {}


def test_a_new_task_in_a_status_it_does_not_know_is_followed_too():
    cloud = FakeCloud([])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    cloud.tasks.append(record('b', 5, 'QUEUED'))
    clock.advance(30)
    assert watch.poll()[0] == []
    cloud.tasks[0]['status'] = 'FAIL'
    clock.advance(30)
    assert ids(watch.poll()[0]) == ['b']


@pytest.mark.parametrize('field, value, message', [
    ('status', ['SUCCESS'], 'export task bad has a malformed record: status is list, not a non-empty string'),
    ('status', None, 'export task bad has a malformed record: status is NoneType, not a non-empty string'),
    ('create_time', 12, 'export task bad has a malformed record: create_time is int, not str'),
    ('file_name', 7, 'export task bad has a malformed record: file_name is int, not str'),
])
def test_a_malformed_record_is_a_named_error_of_the_poll_and_changes_nothing(field, value, message):
    cloud = FakeCloud([record('a', -10, 'CREATING')])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    cloud.tasks.append(record('bad', 5, **{field: value}))
    cloud.tasks[0]['status'] = 'SUCCESS'
    clock.advance(30)
    with pytest.raises(_watch.MalformedTaskRecord) as failed:
        watch.poll()
    assert str(failed.value) == message
    assert _watch.failure_kind(failed.value) == _watch.BAD_ANSWER
    assert watch.followed == {'a': 'CREATING'}
    cloud.tasks.pop()
    clock.advance(30)
    assert ids(watch.poll()[0]) == ['a']


def claims_a_billion(cloud, clock, page_records):
    """cloud answers every list request with page_records(offset) and a count of 10**9, at once."""
    def answer(params):
        query = dict(params)
        cloud.requests.append(query)
        return {'export_tasks': page_records(int(query.get('offset', 0))), 'count': 10 ** 9}
    cloud.answer = answer


def recent(task_id, clock):
    return record(task_id, clock.now - T0 - 1)


@pytest.mark.parametrize('server, requests, error', [
    # The same newest page whatever the offset: three pages in a row with nothing new (the Pager's stall proof).
    ('ignores offset', 4, _watch.UnpageableList),
    # A new page of recent tasks at every offset, each overlapping the one before: the watch's budget.
    ('pages without end', _watch.POLL_REQUESTS, _watch.PollBudgetExceeded),
    # Different tasks at every answer: no page overlaps the one before; re-reading never ends: the budget.
    ('churns', _watch.POLL_REQUESTS, _watch.PollBudgetExceeded),
])
def test_a_server_that_does_not_page_fails_one_poll_after_a_bounded_number_of_requests(server, requests, error):
    cloud = FakeCloud([record('a', -10, 'CREATING')])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    state = (dict(watch.followed), dict(watch.settled), watch.last_poll)
    churn = random.Random(5)
    claims_a_billion(cloud, clock, {
        'ignores offset': lambda offset: [recent('same-%03d' % number, clock) for number in range(100)],
        'pages without end': lambda offset: [recent('task-%012d' % (offset + number), clock) for number in range(100)],
        'churns': lambda offset: [recent('churn-%d' % churn.getrandbits(64), clock) for number in range(100)],
    }[server])
    del cloud.requests[:]
    clock.advance(30)
    tracemalloc.start()
    try:
        with pytest.raises(error) as failed:
            watch.poll()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(cloud.requests) == requests
    assert _watch.failure_kind(failed.value) == _watch.OUTAGE
    assert (dict(watch.followed), dict(watch.settled), watch.last_poll) == state
    assert peak < 16 * 1024 * 1024  # the records of at most one budget of pages, never a billion's


def test_the_catch_up_reports_what_finished_since_once_and_nothing_older():
    """since: exports that ended within it, also one created before it began; nothing that ended before it;
    a running task is followed; the next polls report nothing more."""
    hour = 3600
    tasks = [record('ended-3h', -3 * hour - 60, ended=-3 * hour), record('ended-61m', -61 * 60 - 300, ended=-61 * 60),
             record('long', -hour - 300, ended=-hour + 240), record('ended-30m', -30 * 60 - 60, ended=-30 * 60, status='FAIL'),
             record('ended-1m', -120, ended=-60, status='EXPIRED'), record('running', -30, 'CREATING')]
    tasks += [record('older-%d' % number, -5 * hour + number) for number in range(500)]
    tasks.sort(key=lambda task: task['create_time'])
    cloud = FakeCloud(tasks)
    clock = Clock()
    watch = watch_of(cloud, clock, since=clock.now - hour)
    reported = watch.start()
    assert sorted(ids(reported)) == ['ended-1m', 'ended-30m', 'long']
    assert all(done.previous_status is None for done in reported)
    assert list(watch.followed) == ['running']
    clock.advance(30)
    assert watch.poll()[0] == []


def test_a_downloaded_task_is_found_by_id_when_the_service_reads_no_is_download_as_false():
    cloud = FakeCloud([record('old', -7200, 'CREATING')] + [record('x-%d' % number, -3600 + number)
                                                            for number in range(300)])
    answer = cloud.answer
    cloud.answer = lambda params: answer(list(params) + ([] if 'is_download' in dict(params)
                                                         else [('is_download', False)]))
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    cloud.tasks[0].update(status='SUCCESS', is_download=True)
    clock.advance(30)
    finished, gone = watch.poll()
    assert ids(finished) == ['old'] and gone == []


def test_a_followed_task_that_is_gone_is_dropped():
    cloud = FakeCloud([record('old', -7200, 'CREATING'), record('new', -10)])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    del cloud.tasks[0]
    clock.advance(30)
    assert watch.poll() == ([], ['old']) and watch.followed == {}


def test_task_ids_are_followed_until_done_and_unknown_ones_named():
    cloud = FakeCloud([record('a', -10, 'CREATING'), record('b', -5)])
    clock = Clock()
    with pytest.raises(_watch.UnknownTaskIds, match='^Unknown export task ID.s.: nope'):
        watch_of(cloud, clock, task_ids=['a', 'nope']).start()
    watch = watch_of(cloud, clock, task_ids=['a', 'b'], initial=True)
    assert ids(watch.start()) == ['b'] and not watch.done
    cloud.tasks[0]['status'] = 'FAIL'
    clock.advance(30)
    assert ids(watch.poll()[0]) == ['a'] and watch.done


def test_memory_stays_flat_over_many_polls_of_a_busy_project():
    cloud = FakeCloud([])
    clock = Clock()
    watch = watch_of(cloud, clock)
    watch.start()
    sizes, reported = [], 0
    for number in range(400):
        clock.advance(30)
        cloud.tasks.append(record('t-%d' % number, clock.now - T0 - 10))
        cloud.tasks.append(record('r-%d' % number, clock.now - T0 - 5, 'CREATING'))
        if number:
            cloud.tasks[-3]['status'] = 'SUCCESS'
        reported += len(watch.poll()[0])
        sizes.append(watch.size())
    assert reported == 2 * 400 - 1
    # The tasks created within the look-back (two a poll), the one running, and the last page read (a task seen
    # is remembered until the next poll, whatever its create_time says).
    assert max(sizes) <= 2 * (600 // 30) + 1 + 100 and sizes[-1] == sizes[200]


def test_each_wait_varies_within_ten_percent_of_the_interval_and_a_seed_repeats_it():
    rng = random.Random(29)
    waits = [_watch.next_wait(30.0, 0, rng.random) for dummy in range(1000)]
    assert all(27.0 <= wait <= 33.0 for wait in waits)
    assert min(waits) < 27.3 and max(waits) > 32.7  # the whole band is used
    assert len(set(round(wait, 6) for wait in waits)) > 900
    again = random.Random(29)
    assert [_watch.next_wait(30.0, 0, again.random) for dummy in range(1000)] == waits


def middle():
    """A random source at the middle of its range: no jitter."""
    return 0.5


def test_failed_polls_double_the_wait_up_to_the_cap():
    assert [_watch.next_wait(30.0, failures, middle) for failures in range(7)] == [
        30.0, 60.0, 120.0, 240.0, 300.0, 300.0, 300.0]
    assert _watch.next_wait(600.0, 3, middle) == 600.0  # an interval beyond the cap is the cap
    assert _watch.next_wait(30.0, 10 ** 6, middle) == 300.0


def test_failure_kinds():
    assert _watch.failure_kind(WorkspaceTransportError('refused')) == _watch.OUTAGE
    assert _watch.failure_kind(WorkspaceApiError('GET', 'u', 503)) == _watch.OUTAGE
    assert _watch.failure_kind(WorkspaceApiError('GET', 'u', 200, detail='not JSON')) == _watch.BAD_ANSWER
    assert _watch.failure_kind(WorkspaceApiError('GET', 'u', 401)) == _watch.FATAL
    assert _watch.failure_kind(WorkspaceConfigError('bad')) == _watch.FATAL
    assert _watch.failure_kind(TypeError('bug')) == _watch.FATAL


def test_text_is_cleaned_of_secrets_and_control_characters_and_cut():
    text = 'id \x1b[2J%s\nforged\u202e line' % SECRET
    assert _watch.clean_text(text, [SECRET]) == 'id \\x1b[2J********\\nforged\\u202e line'
    assert _watch.clean_text('x' * 1000, [], limit=10) == 'x' * 10 + '...(990 characters cut)'


def test_an_event_says_where_it_comes_from_with_a_stable_key_and_a_clean_record():
    done = _watch.Finished(record('a\x07', 0, fail_reason='token %s' % SECRET), 'CREATING')
    assert _watch.event(done, 'cn-north-4', 'proj', [SECRET]) == {
        'type': 'finished', 'key': 'a\\x07/SUCCESS', 'previous_status': 'CREATING', 'region': 'cn-north-4',
        'project_id': 'proj', 'export_task': dict(record('a\\x07', 0), file_name='a\\x07.xlsx',
                                                  fail_reason='token ********')}


@pytest.mark.parametrize('text, seconds', [('90', 90), ('90s', 90), ('30m', 1800), ('2h', 7200), ('1d', 86400),
                                           ('1w', 604800), ('1.5h', 5400), ('2026-11-28T08:00:00Z', 3600),
                                           ('2026-11-28T16:00:00+08:00', 3600), ('2027-01-01T00:00:00Z', 0)])
def test_since_is_a_time_or_a_duration_before_now(text, seconds):
    assert _watch.parse_since(text, T0) == T0 - seconds


def test_since_zero_catches_up_nothing_and_nonsense_is_named():
    assert _watch.parse_since('0', T0) is None and _watch.parse_since('0s', T0) is None
    with pytest.raises(WorkspaceConfigError, match="since must be a time like .* got '-2h'"):
        _watch.parse_since('-2h', T0)


@pytest.mark.parametrize('text', ['2026-11-28T09:00:30.000Z', "2026-11-28'T'09:00:30.000Z",
                                  '2026-11-28T17:00:30.000+08:00', '2026-11-28T17:00:30+0800', '2026-11-28T09:00:30Z'])
def test_api_times_are_read_in_the_forms_the_api_documents(text):
    assert _watch.parse_api_time(text) == T0 + 30


@pytest.mark.parametrize('text', [None, '', 'yesterday', '2026-13-01T00:00:00Z', 12])
def test_what_is_not_an_api_time_is_none(text):
    assert _watch.parse_api_time(text) is None
