# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading every page: concurrently, every task once in order, nothing skipped while the list changes,
and paging that ends with a clear error when the API's answers do not page."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import threading
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceApiError
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import STALLS_ALLOWED, in_order
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import (
    FakeCloud,
    fake_api,
    make_tasks,
)


def ids(tasks):
    return [task['task_id'] for task in tasks]


def test_in_order_keeps_the_order_of_the_calls_whatever_order_they_end_in():
    release = [threading.Event() for dummy in range(4)]

    def call(number):
        def run():
            # The later calls end first.
            if number < 3:
                release[number + 1].wait(5)
            release[number].set()
            return number
        return run

    assert list(in_order([call(number) for number in range(4)], 4)) == [0, 1, 2, 3]


def test_in_order_with_concurrency_one_runs_each_call_after_the_one_before_in_this_thread():
    threads = []
    results = list(in_order([lambda n=n: threads.append(threading.current_thread()) or n for n in range(5)], 1))
    assert results == [0, 1, 2, 3, 4] and set(threads) == {threading.current_thread()}


def test_in_order_raises_the_first_failure_and_cancels_what_has_not_started():
    started = []
    gate = threading.Event()

    def call(number):
        def run():
            started.append(number)
            if number == 0:
                raise KeyError('first')
            gate.wait(0.2)
            return number
        return run

    with pytest.raises(KeyError):
        list(in_order([call(number) for number in range(50)], 2))
    assert len(started) < 50


@pytest.mark.parametrize('total, cap', [(0, 100), (1, 100), (99, 100), (100, 100), (101, 100), (250, 100),
                                        (1000, 100), (120, 50), (37, 7)])
@pytest.mark.parametrize('concurrency', [1, 8])
def test_every_task_once_in_the_api_order(total, cap, concurrency):
    cloud = FakeCloud(make_tasks(total, status='SUCCESS'), page_cap=cap, latency=0.001)
    found, count = fake_api(cloud, concurrency)[0].list_all({})
    assert ids(found) == ids(cloud.tasks) and count == total
    # each page after the first starts on the last record of the one before: about 1% more requests
    step = cap - 1
    assert len(cloud.requests) == 1 + max(0, -(-(total - cap) // step))
    assert all(query['sort_type'] == 'ASC' and query['limit'] == 100 for query in cloud.requests)


def test_concurrency_one_asks_for_each_page_after_the_one_before():
    cloud = FakeCloud(make_tasks(450, status='SUCCESS'))
    fake_api(cloud, 1)[0].list_all({})
    assert [query['offset'] for query in cloud.requests] == [0, 99, 198, 297, 396]


def test_a_task_finishing_between_two_pages_is_not_skipped():
    """The bug of 1.0: status=CREATING paged by offset skips a task when one before it finishes."""
    def finish_first_ten(cloud, number):
        if number == 1:
            for task in cloud.tasks[:10]:
                task['status'] = 'SUCCESS'

    cloud = FakeCloud(make_tasks(250), before_request=finish_first_ten)
    found, dummy = fake_api(cloud, 1)[0].list_all({'status': 'CREATING'})
    assert set(ids(cloud.tasks[10:])) <= set(ids(found))
    assert len(ids(found)) == len(set(ids(found)))


@pytest.mark.parametrize('finishing_per_request', [1, 3, 7])
def test_tasks_finishing_before_every_page_do_not_keep_the_listing_going(finishing_per_request):
    """Sequential pages while the oldest tasks keep finishing: every page would miss the one before it, so
    the listing must step back far enough to link, and end, listing every task that stayed CREATING."""
    def finish_oldest(cloud, number):
        creating = [task for task in cloud.tasks if task['status'] == 'CREATING']
        for task in creating[:finishing_per_request]:
            task['status'] = 'SUCCESS'

    cloud = FakeCloud(make_tasks(400), before_request=finish_oldest)
    found, dummy = fake_api(cloud, 1)[0].list_all({'status': 'CREATING'})
    still = [task for task in cloud.tasks if task['status'] == 'CREATING']
    assert set(ids(still)) <= set(ids(found))
    assert len(ids(found)) == len(set(ids(found)))
    assert len(cloud.requests) < 40


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), total=st.integers(0, 400), page_cap=st.integers(2, 100), concurrency=st.sampled_from([1, 3, 8]))
def test_property_a_task_creating_for_the_whole_listing_is_listed_once(data, total, page_cap, concurrency):
    finish = data.draw(st.dictionaries(st.integers(0, max(0, total - 1)), st.integers(0, 12), max_size=120),
                       label='task index -> finishes before request number')
    new_at = data.draw(st.dictionaries(st.integers(0, 12), st.integers(1, 150), max_size=3),
                       label='request number -> new tasks')
    deleted = data.draw(st.dictionaries(st.integers(0, max(0, total - 1)), st.integers(0, 12), max_size=5),
                        label='task index -> deleted before request number')

    def churn(cloud, number):
        for index, moment in finish.items():
            if moment == number:
                for task in cloud.tasks:
                    if task['task_id'] == 'task-%05d' % index:
                        task['status'] = 'SUCCESS'
        for index, moment in deleted.items():
            if moment == number:
                cloud.tasks[:] = [task for task in cloud.tasks if task['task_id'] != 'task-%05d' % index]
        for dummy in range(new_at.get(number, 0)):
            cloud.add()

    cloud = FakeCloud(make_tasks(total), page_cap=page_cap, before_request=churn,
                      latency=0.0003 if concurrency > 1 else 0)
    found, count = fake_api(cloud, concurrency)[0].list_all({'status': 'CREATING'})
    listed = ids(found)
    assert len(listed) == len(set(listed))
    untouched = ['task-%05d' % index for index in range(total) if index not in finish and index not in deleted]
    assert set(untouched) <= set(listed)
    # in the API's order: oldest first
    positions = dict((task_id, place) for place, task_id in enumerate(ids(sorted(found, key=lambda t: t['create_time']))))
    assert [positions[task_id] for task_id in untouched] == sorted(positions[task_id] for task_id in untouched)


def offset_ignored(cloud, params):
    return dict(params, offset=0)


def ignoring_offset(cloud, count=None):
    """The cloud answers every list request with the first page, and (when given) claims that count."""
    answer = cloud.answer

    def first_page(params):
        body = answer([(name, 0 if name == 'offset' else value) for name, value in params])
        return body if count is None else dict(body, count=count)

    cloud.answer = first_page


@pytest.mark.parametrize('concurrency', [1, 2, 8, 32])
@pytest.mark.parametrize('claimed', [None, 10 ** 9])
def test_a_server_that_ignores_offset_ends_within_the_stated_number_of_requests(concurrency, claimed):
    """The worst case: a server that answers at once. The window bounds the requests, whatever the scheduling."""
    cloud = FakeCloud(make_tasks(5000, status='SUCCESS'))
    ignoring_offset(cloud, claimed)
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, concurrency)[0].list_all({})
    assert 'does not page by offset' in str(caught.value)
    # the first page, the pages of the window, and one more after each of the stalls allowed before the error
    assert len(cloud.requests) <= STALLS_ALLOWED + concurrency + 1
    if concurrency == 1:
        assert len(cloud.requests) == STALLS_ALLOWED + 2


@pytest.mark.parametrize('concurrency', [1, 32])
def test_a_claimed_count_of_a_billion_costs_no_more_memory_than_a_count_of_ten_thousand(concurrency):
    def peak_bytes(count):
        cloud = FakeCloud(make_tasks(100, status='SUCCESS'))
        ignoring_offset(cloud, count)
        api = fake_api(cloud, concurrency)[0]
        tracemalloc.start()
        try:
            with pytest.raises(WorkspaceApiError):
                api.list_all({})
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    usual, huge = peak_bytes(10 ** 4), peak_bytes(10 ** 9)
    # Whatever the count claims, at most a window's worth of pages is asked for (STALLS_ALLOWED + concurrency + 1,
    # about 36 pages of 100 records, some 1.2 MB here), however the threads ran; a page per claimed offset would be
    # ten million of them.
    assert huge < 4 * 1024 * 1024, (usual, huge)
    if concurrency == 1:
        # One thread asks for the same pages for both counts, so both hold the same; with more, how many pages were
        # asked for before the error depends on the scheduling, and so does what is held.
        assert huge < usual + 16 * 1024, (usual, huge)


@pytest.mark.parametrize('concurrency', [2, 5])
def test_in_order_takes_a_call_only_when_a_result_was_handed_over(concurrency):
    """At most concurrency calls ahead of the consumer: counted in the consumer's thread, so exact."""
    taken = []

    def calls():
        for number in range(40):
            taken.append(number)
            yield lambda number=number: number

    with contextlib.closing(in_order(calls(), concurrency)) as results:
        for handed_over, result in enumerate(results, 1):
            assert result == handed_over - 1
            assert len(taken) <= handed_over - 1 + concurrency
    assert len(taken) == 40


def test_a_list_that_grows_by_a_page_per_request_ends_within_a_budget_of_its_first_count():
    def grow(cloud, number):
        if number:  # after the first answer
            for dummy in range(100):
                cloud.add(status='SUCCESS')

    cloud = FakeCloud(make_tasks(150, status='SUCCESS'), before_request=grow)
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 8)[0].list_all({})
    assert "paging did not end after" in str(caught.value) and "first count was 150" in str(caught.value)
    # twice the first count and a page: 400 records, 6 pages of 99 read four times, and 16
    assert len(cloud.requests) == 4 * (-(-400 // 99) + 1) + 16


def test_a_list_that_doubles_while_it_is_read_is_read_in_full():
    def grow(cloud, number):
        if number < 3:
            for dummy in range(100):
                cloud.add(status='SUCCESS')

    cloud = FakeCloud(make_tasks(300, status='SUCCESS'), before_request=grow)
    found, count = fake_api(cloud, 8)[0].list_all({})
    assert ids(found) == ids(cloud.tasks) and count == 600


def test_a_count_that_keeps_growing_ends_with_a_clear_error():
    cloud = FakeCloud(make_tasks(150, status='SUCCESS'))
    answer = cloud.answer

    def growing(params):
        body = answer(params)
        body['count'] = 150 + 100 * len(cloud.requests)
        return body

    cloud.answer = growing
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 8)[0].list_all({})
    assert 'answered no task at offset' in str(caught.value)
    assert len(cloud.requests) <= 10


def test_answers_past_the_count_are_an_error():
    cloud = FakeCloud(make_tasks(150, status='SUCCESS'))
    answer = cloud.answer

    def short_count(params):
        return dict(answer(params), count=20)

    cloud.answer = short_count
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 8)[0].list_all({})
    assert 'answered 100 task(s) at offset 0 although its count is 20' in str(caught.value)


def test_pages_that_never_link_end_within_a_bounded_number_of_requests():
    """A server whose every page is another slice of an ever-new list: repairs stop within a budget."""
    cloud = FakeCloud(make_tasks(1000, status='SUCCESS'))
    answer = cloud.answer

    def shuffled(params):
        body = answer(params)
        number = len(cloud.requests)
        for place, task in enumerate(body['export_tasks']):
            task['task_id'] = 'r%d-%d' % (number, place)
        return body

    cloud.answer = shuffled
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 4)[0].list_all({})
    assert 'paging did not end after' in str(caught.value)
    # twice the first count and a page, in pages of 99, each read four times, and 16
    assert len(cloud.requests) == 4 * (-(-2100 // 99) + 1) + 16


@pytest.mark.parametrize('record', [{'file_name': 'x'}, {'task_id': None}, {'task_id': ''}, {'task_id': 7}])
def test_a_record_without_task_id_is_an_invalid_answer(record):
    cloud = FakeCloud()
    cloud.answer = lambda params: {'export_tasks': [dict(make_tasks(1)[0]), record], 'count': 2}
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 8)[0].list_all({})
    assert 'has no task_id' in str(caught.value)


def test_get_by_ids_reads_the_pages_at_once_and_asks_for_the_rest_by_id():
    cloud = FakeCloud(make_tasks(3000, status='SUCCESS'))
    wanted = ['task-%05d' % n for n in range(2999, 2700, -1)] + ['task-00003', 'nope']
    tasks, missing = fake_api(cloud, 8)[0].get_by_ids(wanted)
    assert ids(tasks) == wanted[:-1] and missing == ['nope']
    pages = [query for query in cloud.requests if 'task_id' not in query]
    by_id = [query['task_id'] for query in cloud.requests if 'task_id' in query]
    # the newest page (its count bounds the rest); the 201 IDs not on it fill 3 more pages: those and one more,
    # then the two IDs not there, one by one, and the one still not found once more among the downloaded tasks
    assert len(pages) == 5 and sorted(by_id) == ['nope', 'nope', 'task-00003']
    assert [query.get('is_download') for query in cloud.requests if query.get('task_id') == 'nope'] == [None, True]


def test_pages_of_one_task_are_refused_as_unsafe():
    cloud = FakeCloud(make_tasks(5), page_cap=1)
    with pytest.raises(WorkspaceApiError) as caught:
        fake_api(cloud, 8)[0].list_all({'status': 'CREATING'})
    assert 'answers 1 task(s) per page' in str(caught.value) and len(cloud.requests) == 1
