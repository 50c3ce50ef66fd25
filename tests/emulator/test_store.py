# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The task store's cached records, status indexes and views always answer what a plain scan of the tasks would."""

import datetime
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.workspace_emulator.store import STATUSES, ListQuery, TaskStore


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def brute_force(store, query, now):
    """The page and count computed from every record, without indexes or views; the cached statuses are checked
    against the status each task has at `now`, computed afresh."""
    records = store.records()
    tasks = store._tasks  # pylint: disable=protected-access
    assert [record['status'] for record in records] == [task.status_at(now) for task in tasks]
    records = [record for record in records if query.matches(record)]
    if query.sort_type == 'DESC':
        records.reverse()
    return records[query.offset:query.offset + query.limit], len(records)


def answered(store, query):
    fragments, count = store.page(query)
    return [json.loads(fragment) for fragment in fragments], count


QUERIES = st.builds(
    lambda status, file_name, is_download, desc, offset, limit: ListQuery(
        [(name, value) for name, value in (('status', status), ('file_name', file_name), ('is_download', is_download),
                                           ('sort_field', 'create_time' if desc else None), ('sort_type', 'DESC' if desc else None),
                                           ('offset', str(offset)), ('limit', str(limit))) if value is not None]),
    st.sampled_from((None,) + STATUSES), st.sampled_from((None, 'a.xlsx', 'b.xlsx')), st.sampled_from((None, 'true', 'false')),
    st.booleans(), st.integers(0, 30), st.integers(1, 20))
WATCHED_QUERIES = [ListQuery([(name, value) for name, value in (('status', status), ('file_name', file_name), ('is_download', is_download),
                                                                  ('limit', '100')) if value is not None])
                   for status in (None,) + STATUSES for file_name in (None, 'a.xlsx') for is_download in (None, 'false')]
TASK_SPECS = st.fixed_dictionaries({
    'file_name': st.sampled_from(('a.xlsx', 'b.xlsx')),
}, optional={
    'finish_after': st.floats(0, 20),
    'final_status': st.sampled_from(('SUCCESS', 'FAIL')),
    'expire_after': st.floats(0, 20),
    'status': st.sampled_from(STATUSES),
    'is_download': st.booleans(),
}).filter(lambda spec: 'finish_after' not in spec or spec.get('status', 'CREATING') == 'CREATING')
OPERATIONS = st.one_of(
    st.tuples(st.just('add'), st.lists(TASK_SPECS, min_size=1, max_size=8)),
    st.tuples(st.just('advance'), st.floats(0, 10)),
    st.tuples(st.just('delete'), st.integers(0, 40)),
    st.tuples(st.just('download'), st.integers(0, 40)),
    st.tuples(st.just('finish'), st.sampled_from(('SUCCESS', 'FAIL'))),
    st.tuples(st.just('churn'), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just('query'), QUERIES),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(OPERATIONS, max_size=40), st.lists(QUERIES, min_size=1, max_size=5))
def test_pages_always_equal_a_plain_scan(operations, final_queries):
    clock = FakeClock()
    store = TaskStore(clock=clock, wall_clock=lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
                      + datetime.timedelta(seconds=clock.now))
    for operation in operations:
        kind = operation[0]
        task_ids = [record['task_id'] for record in store.records()]
        if kind == 'add':
            store.add(operation[1])
        elif kind == 'advance':
            clock.now += operation[1]
        elif kind == 'delete' and task_ids:
            store.delete([task_ids[operation[1] % len(task_ids)]])
        elif kind == 'download' and task_ids:
            store.mark_downloaded(task_ids[operation[1] % len(task_ids)])
        elif kind == 'finish':
            creating = [record['task_id'] for record in store.records() if record['status'] == 'CREATING']
            if creating:
                store.finish(creating[:1], operation[1])
        elif kind == 'churn':
            store.churn(finish=operation[1], create=operation[2])
        elif kind == 'query':
            assert answered(store, operation[1]) == brute_force(store, operation[1], clock.now)
        for query in WATCHED_QUERIES:  # asked after every step, so that cached views are put to the test
            assert answered(store, query) == brute_force(store, query, clock.now)
    for query in final_queries:
        assert answered(store, query) == brute_force(store, query, clock.now)


def test_records_change_status_on_time_without_a_rescan():
    clock = FakeClock()
    store = TaskStore(clock=clock)
    store.add([{'task_id': 'later', 'finish_after': 5, 'expire_after': 5}, {'task_id': 'stuck', 'status': 'CREATING'}])
    creating = ListQuery([('status', 'CREATING')])
    assert answered(store, creating)[1] == 2
    clock.now += 5
    assert [record['task_id'] for record in answered(store, creating)[0]] == ['stuck']
    assert [record['status'] for record in store.records()] == ['SUCCESS', 'CREATING']
    clock.now += 5
    assert [record['status'] for record in store.records()] == ['EXPIRED', 'CREATING']


def test_churn_finishes_a_task_that_waits_for_list_answers_but_not_a_stuck_one():
    store = TaskStore(clock=FakeClock())
    store.add([{'task_id': 'polled', 'finish_after_listings': 100}, {'task_id': 'stuck', 'status': 'CREATING'}])
    store.churn(finish=2)
    assert [record['status'] for record in store.records()] == ['SUCCESS', 'CREATING']
