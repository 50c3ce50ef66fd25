# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Request timing in the log, concurrent answers, and the faults that transport and paging tests inject."""

import threading
import time

import pytest
import requests

from tools.workspace_emulator.server import RequestLog
from tools.workspace_emulator.testing import EmulatorError, peak_in_flight


def list_path(emulator):
    return '/v2/%s/export-tasks' % emulator.project_id


def in_parallel(count, call):
    """Run call(index) in `count` threads at once, each with its own connection; returns the results in order."""
    results = [None] * count
    barrier = threading.Barrier(count)

    def run(index):
        with requests.Session() as session:
            session.trust_env = False
            barrier.wait()
            results[index] = call(session, index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_log_entries_record_when_each_request_started_and_ended(scratch, scratch_api):
    before = time.monotonic()
    assert scratch_api.with_token(list_path(scratch)).status_code == 200
    after = time.monotonic()
    [entry] = scratch.requests_log()
    # Seconds of the monotonic clock, which the test process shares with the emulator on this host. The entry
    # may end a moment after the client has its answer (the server notes the end once the answer is written).
    assert before <= entry['started'] <= entry['ended'] and entry['started'] <= after
    assert 0 <= entry['server_ms'] <= (entry['ended'] - entry['started']) * 1000 + 0.001
    assert entry['fault'] is None


def test_a_cleared_log_leaves_out_a_request_that_arrived_before_the_clear():
    # The server adds an entry once the answer is out: the last request of one test may finish after the next test
    # has cleared the log, and must not show in it.
    log = RequestLog()
    before = log.begin()
    log.clear()
    after = log.begin()
    log.add({'started': 1.0, 'path': '/before'}, before)
    log.add({'started': 2.0, 'path': '/after'}, after)
    assert [entry['path'] for entry in log.entries()] == ['/after']
    assert log.summary() == {'entries': 1, 'size': log.summary()['size'], 'dropped': 0}


def test_the_log_and_its_summary_wait_for_the_request_in_flight():
    # A client has its answer before the server adds the entry: reading the log, or its summary, waits for it.
    for read in (lambda log: len(log.entries()), lambda log: log.summary()['entries']):
        log = RequestLog(3)
        arrived_after = log.begin()
        finishing = threading.Timer(0.1, log.add, args=({'started': 1.0}, arrived_after))
        finishing.start()
        assert read(log) == 1
        finishing.join()


def test_latency_delays_each_request_in_its_own_thread(scratch):
    # 2 s: six requests released together by a barrier all arrive within it, even on a loaded machine, so all six
    # are in flight at once unless the emulator answers them one after the other.
    scratch.inject({'latency_ms': 2000})
    statuses = in_parallel(6, lambda session, _: session.get(scratch.url + list_path(scratch), headers={'X-Auth-Token': scratch.token},
                                                             timeout=30).status_code)
    assert statuses == [200] * 6
    log = scratch.requests_log()
    assert len(log) == 6
    assert all(entry['ended'] - entry['started'] >= 2 for entry in log)
    # The delay is a sleep, not work: server_ms leaves it out.
    assert all(entry['server_ms'] <= (entry['ended'] - entry['started']) * 1000 - 2000 + 0.001 for entry in log)
    assert peak_in_flight(log) == 6


def test_slow_fault_delays_one_answer_so_that_later_requests_overtake_it(scratch):
    # 2 s: the other request, sent 0.1 s later, is answered well within it even on a loaded machine.
    scratch.inject({'slow': 1, 'delay_ms': 2000})
    assert scratch.faults()['faults'] == [{'slow': 1, 'delay_ms': 2000}]

    def get(session, index):
        time.sleep(0.1 * index)  # the first request takes the slow fault
        return session.get(scratch.url + list_path(scratch), headers={'X-Auth-Token': scratch.token}, timeout=30).status_code

    assert in_parallel(2, get) == [200, 200]
    # On a busy machine the second request may arrive first and take the fault: tell them apart by it.
    slow, fast = sorted(scratch.wait_for_requests(2), key=lambda entry: entry['fault'] != 'slow')
    assert (slow['fault'], fast['fault']) == ('slow', None)
    assert slow['ended'] - slow['started'] >= 2 and fast['ended'] < slow['ended']


def test_together_fault_answers_concurrent_requests_together_and_lets_a_lone_one_go_after_its_wait(scratch):
    scratch.inject([{'together': 4, 'size': 4}, {'together': 1, 'size': 2, 'wait_ms': 300}])
    assert scratch.faults()['faults'] == [{'together': 4, 'size': 4, 'wait_ms': 10000}, {'together': 1, 'size': 2, 'wait_ms': 300}]

    def get(session, index):
        return session.get(scratch.url + list_path(scratch), headers={'X-Auth-Token': scratch.token}, timeout=30).status_code

    # Four sent at once are held until the fourth arrives, then answered: all four were in flight at that moment.
    assert in_parallel(4, get) == [200] * 4
    held = scratch.wait_for_requests(4)
    assert [entry['fault'] for entry in held] == ['together'] * 4
    assert peak_in_flight(held) == 4
    assert max(entry['started'] for entry in held) <= min(entry['ended'] for entry in held)
    # One alone waits for a second that never comes, and is answered once its wait is over.
    scratch.clear_log()
    assert in_parallel(1, get) == [200]
    (alone,) = scratch.wait_for_requests(1)
    assert alone['fault'] == 'together' and alone['ended'] - alone['started'] >= 0.29
    # The hold is not the server's work.
    assert alone['server_ms'] <= (alone['ended'] - alone['started']) * 1000 - 290
    assert scratch.faults()['faults'] == []


def test_together_fault_is_checked(scratch):
    for spec in ({'together': 0}, {'together': 1, 'size': 0}, {'together': 1, 'wait_ms': -1}, {'together': 1, 'delay_ms': 5}):
        with pytest.raises(EmulatorError):
            scratch.inject(spec)
    assert scratch.faults()['faults'] == []


def test_latency_jitter_adds_a_random_delay_to_each_request(scratch, scratch_api):
    assert scratch.inject({'latency_jitter_ms': 100})['latency_jitter_ms'] == 100
    for _ in range(10):
        assert scratch_api.with_token(list_path(scratch)).status_code == 200
    durations = [entry['ended'] - entry['started'] for entry in scratch.requests_log()]
    assert all(0 <= duration for duration in durations) and max(durations) - min(durations) > 0.005


def test_redirect_fault_sends_a_location_and_the_storage_listener_records_what_arrives(scratch, scratch_api):
    target = scratch.storage_url + '/elsewhere/export.csv'
    scratch.inject({'redirect': target, 'redirect_status': 307})
    response = scratch_api.with_token(list_path(scratch), token=scratch.token)
    # requests follows redirects and keeps custom headers: exactly what a client must not do with credentials.
    assert [(hop.status_code, hop.headers['Location']) for hop in response.history] == [(307, target)]
    # Object storage refuses it: not a pre-signed URL.
    assert response.status_code == 403
    assert response.headers['Content-Type'] == 'application/xml'
    [received] = scratch.storage_requests()
    assert (received['method'], received['path'], received['status']) == ('GET', '/elsewhere/export.csv', 403)
    assert received['headers']['X-Auth-Token'] == scratch.token
    assert received['headers']['Host'] == target.split('/')[2]
    assert target.startswith('http://127.0.0.2:') or target.startswith('http://127.0.0.1:')
    assert [(entry['status'], entry['fault']) for entry in scratch.requests_log()] == [(307, 'redirect')]


def test_redirect_fault_defaults_to_302_once(scratch, scratch_api):
    scratch.inject({'redirect': 'http://127.0.0.2:9/nowhere'})
    first = scratch_api.signed(list_path(scratch), allow_redirects=False)
    assert (first.status_code, first.headers['Location'], first.content) == (302, 'http://127.0.0.2:9/nowhere', b'')
    assert scratch_api.signed(list_path(scratch), allow_redirects=False).status_code == 200


def test_reset_fault_sends_headers_and_part_of_the_body_then_resets(scratch, scratch_api):
    scratch.add_tasks([{'file_name': 'reset-%d.xlsx' % number} for number in range(20)])
    complete = scratch_api.signed(list_path(scratch), {'limit': '100'}).content
    scratch.inject({'reset': 1, 'after_bytes': 100})
    response = scratch_api.signed(list_path(scratch), {'limit': '100'}, stream=True)
    assert response.status_code == 200
    assert int(response.headers['Content-Length']) == len(complete)
    received = b''
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in response.iter_content(10):
            received += chunk
    assert complete.startswith(received) and len(received) <= 100
    assert scratch_api.signed(list_path(scratch), {'limit': '100'}).content == complete
    assert [(entry['status'], entry['fault']) for entry in scratch.requests_log()[1:]] == [(200, 'reset'), (200, None)]


def test_reset_fault_without_after_bytes_sends_half_the_body_and_requests_sees_chunked_encoding_error(scratch, scratch_api):
    scratch.inject({'reset': 1})
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        scratch_api.with_token(list_path(scratch))


def test_trickle_fault_sends_the_body_one_byte_at_a_time(scratch, scratch_api):
    scratch.add_tasks([{'file_name': 'trickle.xlsx'}])
    scratch.inject({'trickle': 1, 'interval_ms': 5})
    response = scratch_api.with_token(list_path(scratch), {'limit': '1'}, stream=True)
    pieces = list(response.raw.stream(1, decode_content=False))
    assert len(pieces) == int(response.headers['Content-Length']) > 100
    [entry] = scratch.wait_for_requests(1)
    assert entry['fault'] == 'trickle'
    assert entry['ended'] - entry['started'] >= (len(pieces) - 1) * 0.005


def test_respond_fault_answers_200_with_the_given_document(scratch, scratch_api):
    document = {'export_tasks': [{'file_name': 'no-id.xlsx', 'status': 'SUCCESS'}], 'count': 1}
    scratch.inject({'respond': document, 'count': 2})
    assert [scratch_api.signed(list_path(scratch)).json() for _ in range(2)] == [document, document]
    assert scratch_api.signed(list_path(scratch)).json() != document
    assert [entry['fault'] for entry in scratch.requests_log()] == ['respond', 'respond', None]


def test_ignore_offset_answers_the_first_page_whatever_the_offset(scratch, scratch_api):
    added = [record['task_id'] for record in scratch.add_tasks([{'file_name': 'ignored-offset.xlsx'} for _ in range(5)])]
    scratch.inject({'ignore_offset': True})
    for offset in ('0', '2', '500'):
        page = scratch_api.list_tasks(file_name='ignored-offset.xlsx', offset=offset, limit='2')
        assert ([record['task_id'] for record in page['export_tasks']], page['count']) == (added[:2], 5)
    scratch.clear_faults()
    assert [record['task_id'] for record in scratch_api.list_tasks(file_name='ignored-offset.xlsx', offset='2', limit='2')['export_tasks']] == added[2:4]


def test_count_growing_inflates_count_on_every_list_answer(scratch, scratch_api):
    scratch.add_tasks([{'file_name': 'growing.xlsx'} for _ in range(3)])
    scratch.inject({'count_growing': 10})
    counts = [scratch_api.list_tasks(file_name='growing.xlsx')['count'] for _ in range(3)]
    assert counts == [13, 23, 33]
    assert scratch.inject({'count_growing': 0})['count_growing'] == 0
    assert scratch_api.list_tasks(file_name='growing.xlsx')['count'] == 3


def test_churn_finishes_the_oldest_due_tasks_and_creates_new_ones_before_each_list_answer(scratch, scratch_api):
    due = [record['task_id'] for record in scratch.add_tasks([{'file_name': 'churn.xlsx', 'finish_after': 3600} for _ in range(4)])]
    stuck = scratch.add_tasks([{'file_name': 'churn.xlsx', 'status': 'CREATING'}])[0]['task_id']
    scratch.inject({'churn': {'finish': 2, 'create': 1}})
    first = scratch_api.list_tasks(status='CREATING', limit='100')
    creating = [record['task_id'] for record in first['export_tasks']]
    assert creating[:3] == due[2:] + [stuck] and len(creating) == first['count'] == 4
    created = creating[3]
    second = [record['task_id'] for record in scratch_api.list_tasks(status='CREATING', limit='100')['export_tasks']]
    assert second[:2] == [stuck, created] and len(second) == 3
    third = [record['task_id'] for record in scratch_api.list_tasks(status='CREATING', limit='100')['export_tasks']]
    # A task that stays CREATING for ever (no finish_after) is never finished by churn.
    assert third[0] == stuck and created not in third and len(third) == 2
    records = dict((record['task_id'], record) for record in scratch.tasks())
    assert all(records[task_id]['status'] == 'SUCCESS' and records[task_id]['end_time'] for task_id in due)


def test_churn_in_random_order_and_its_validation(scratch, scratch_api):
    scratch.add_tasks([{'file_name': 'random-churn.xlsx', 'finish_after': 3600} for _ in range(10)])
    creating = sum(1 for record in scratch.tasks() if record['status'] == 'CREATING')
    state = scratch.inject({'churn': {'finish': 3, 'order': 'random'}})
    assert state['churn'] == {'finish': 3, 'create': 0, 'order': 'random', 'finish_after': None}
    assert scratch_api.list_tasks(status='CREATING')['count'] == creating - 3
    assert scratch.clear_faults()['churn'] is None
    assert scratch_api.list_tasks(status='CREATING')['count'] == creating - 3


def test_finish_tasks_through_the_admin_api(scratch):
    task_id = scratch.add_tasks([{'status': 'CREATING'}])[0]['task_id']
    [record] = scratch.finish_tasks([task_id], status='FAIL', fail_reason='Injected.', error_code='WKS.00019999')
    assert (record['status'], record['fail_reason'], record['error_code']) == ('FAIL', 'Injected.', 'WKS.00019999')
    assert record['end_time']
    with pytest.raises(EmulatorError, match='HTTP 400.*not CREATING'):
        scratch.finish_tasks([task_id])
    with pytest.raises(EmulatorError, match='HTTP 400.*no task'):
        scratch.finish_tasks(['no-such-task'])


@pytest.mark.parametrize('fault', [
    {'redirect': 'ftp://127.0.0.2/x'},
    {'redirect': 'http://127.0.0.2/x', 'redirect_status': 200},
    {'redirect': 'http://127.0.0.2/x', 'status': 302},
    {'reset': 0},
    {'slow': 1, 'delay_ms': -5},
    {'latency_jitter_ms': 'lots'},
    {'drop': 1, 'after_handling': 'yes'},
    {'reset': 1, 'after_bytes': -1},
    {'trickle': 1, 'interval_ms': 'slow'},
    {'ignore_offset': 'yes'},
    {'count_growing': -1},
    {'churn': {'finish': 0}},
    {'churn': {'finish': 1, 'order': 'newest'}},
    {'churn': {'finish': 1, 'colour': 'red'}},
    {'churn': 3},
])
def test_invalid_new_faults_are_refused(scratch, fault):
    with pytest.raises(EmulatorError, match='HTTP 400'):
        scratch.inject(fault)
    assert scratch.faults()['faults'] == []


def test_queued_faults_are_described(scratch):
    state = scratch.inject([{'redirect': 'http://127.0.0.2:9/x'}, {'reset': 2, 'after_bytes': 5}, {'trickle': 1}])
    assert state['faults'] == [{'redirect': 'http://127.0.0.2:9/x', 'redirect_status': 302, 'count': 1}, {'reset': 2, 'after_bytes': 5},
                               {'trickle': 1, 'interval_ms': 100}]
