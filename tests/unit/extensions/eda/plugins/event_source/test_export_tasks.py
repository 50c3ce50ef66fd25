# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source hwcloud.workspace.export_tasks, loaded from its file as ansible-rulebook loads it, driven
through an asyncio queue, a sleep and a clock that the test controls: each poll happens when the test says, and the
source's clock moves by what it slept, so nothing here depends on the wall clock. The list API is the scripted HTTP
server of tests/unit (real HTTP, the collection's real client); the poll strategy itself is tested on the in-process
fake in tests/unit/plugins/module_utils/test_watch.py, and with ansible-rulebook and the emulator in tests/eda."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import datetime
import importlib.util
import logging
import os
import subprocess
import sys
import threading

import pytest
import yaml

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
PLUGIN_PATH = os.path.join('extensions', 'eda', 'plugins', 'event_source', 'export_tasks.py')


def load_by_path(path):
    """The plugin's namespace, from its file as ansible-rulebook loads it: not as a module of a package. Not
    runpy.run_path, which under ansible-test takes the collection loader's path hook for a zip file's."""
    spec = importlib.util.spec_from_file_location('hwcloud_workspace_export_tasks_event_source', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


PLUGIN = load_by_path(os.path.join(ROOT, PLUGIN_PATH))
ExportTaskSource = PLUGIN['ExportTaskSource']
ExportTaskSourceError = PLUGIN['ExportTaskSourceError']
main = PLUGIN['main']

SECRET = 'unit-secret-key-0123456789'
TOKEN = 'unit-iam-token-abcdefghij'
START = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.timezone.utc)
FIELDS = ('task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time', 'is_download')
# Generous: only reached when something is broken.
PATIENCE = 60


def api_time(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def task(number, status='CREATING', seconds=None, **fields):
    """A record as the API gives it, created `seconds` (default: number) seconds after START."""
    created = START + datetime.timedelta(seconds=number if seconds is None else seconds)
    record = dict(task_id='task-%05d' % number, file_name='export-%05d.xlsx' % number, status=status,
                  fail_reason=None, error_code=None, create_time=api_time(created), end_time=None, is_download=False)
    record.update(fields)
    return record


def finish(server, number, status='SUCCESS'):
    for record in server.tasks:
        if record['task_id'] == 'task-%05d' % number:
            record['status'] = status
            if status == 'FAIL':
                record.update(fail_reason='The disk is full.', error_code='WKS.00010002')
            return record
    raise AssertionError('no task %d' % number)


def list_requests(server):
    return [request for request in server.requests if request['path'].endswith('/export-tasks')]


class Clock:
    """Stands for asyncio.sleep and time.time: a sleep lasts until the test lets the source go on (poll), and the
    time then is the time before plus what was slept. It starts a minute after START."""

    def __init__(self):
        self.sleeps = []
        self.now = START.timestamp() + 60
        self._asleep = asyncio.Queue()
        self._wake = asyncio.Queue()

    def time(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        await self._asleep.put(seconds)
        await self._wake.get()
        self.now += seconds


class Harness:
    """A source running in a task; started() waits until its first listing is done, poll() runs one more poll."""

    def __init__(self, args, environ=None):
        self.queue = asyncio.Queue()
        self.clock = Clock()
        self.source = ExportTaskSource(args, environ={} if environ is None else environ, sleep=self.clock.sleep,
                                       clock=self.clock.time, rng=lambda: 0.5)
        self.task = None

    async def _until_asleep_or_done(self):
        asleep = asyncio.ensure_future(self.clock._asleep.get())  # pylint: disable=protected-access
        done, dummy = await asyncio.wait([asleep, self.task], timeout=PATIENCE, return_when=asyncio.FIRST_COMPLETED)
        if asleep not in done:
            asleep.cancel()
        assert done, 'the source neither slept nor ended'
        if self.task in done:
            self.task.result()  # raises what stopped the source

    async def started(self):
        self.task = asyncio.ensure_future(self.source.run(self.queue))
        await self._until_asleep_or_done()
        return self.events()

    async def poll(self, times=1):
        events = []
        for dummy in range(times):
            await self.clock._wake.put(None)  # pylint: disable=protected-access
            await self._until_asleep_or_done()
            events += self.events()
        return events

    def events(self):
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events

    async def stop(self):
        if not self.task.done():
            self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, PATIENCE))


@pytest.fixture
def args(server):
    # Headers and body go out in two writes: without TCP_NODELAY the body waits for a delayed ACK (40 ms a poll).
    server.httpd.RequestHandlerClass.disable_nagle_algorithm = True
    return dict(endpoint=server.url, project_id=server.project_id, access_key='UNITACCESSKEY', secret_key=SECRET,
                retries=0)


def test_documentation_describes_exactly_the_options_it_takes_and_the_examples_parse():
    documentation = yaml.safe_load(PLUGIN['DOCUMENTATION'])
    spec = PLUGIN['_session'].argument_spec(PLUGIN['OPTIONS'], {})
    assert set(documentation['options']) == set(spec)
    for name, option in spec.items():
        documented = documentation['options'][name]
        assert documented['type'] == option.get('type', 'str'), name
        assert documented.get('default') == option.get('default'), name
        assert documented.get('choices') == option.get('choices'), name
        assert documented.get('elements') == option.get('elements'), name
    examples = yaml.safe_load(PLUGIN['EXAMPLES'])
    sources = [source for rulebook in examples for source in rulebook['sources']]
    for source in sources:
        arguments = source['hwcloud.workspace.export_tasks']
        ExportTaskSource(dict(arguments, endpoint='http://127.0.0.1:1', project_id='proj', access_key='AK',
                              secret_key=SECRET), environ={})
    assert len(sources) == 2


def finished_ids(events):
    return [event['export_task']['task_id'] for event in events]


def test_a_task_seen_creating_is_reported_once_when_it_succeeds_saying_where_it_comes_from(server, args):
    server.tasks = [task(1, 'SUCCESS'), task(2, 'FAIL'), task(3)]

    async def scenario():
        harness = Harness(dict(args, region='xx-test-1'))
        assert await harness.started() == []
        assert await harness.poll(2) == []
        finish(server, 3)
        events = await harness.poll()
        assert await harness.poll(3) == []
        await harness.stop()
        return events

    [event] = run(scenario())
    assert event == {'type': 'finished', 'key': 'task-00003/SUCCESS', 'previous_status': 'CREATING',
                     'export_task': task(3, 'SUCCESS'), 'region': 'xx-test-1', 'project_id': 'proj'}
    assert tuple(event['export_task']) == FIELDS


def test_fail_and_expired_are_reported_with_their_record(server, args):
    server.tasks = [task(1), task(2)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        finish(server, 1, 'FAIL')
        finish(server, 2, 'EXPIRED')  # SUCCESS then EXPIRED between two polls: reported as it is now
        events = await harness.poll()
        assert await harness.poll(2) == []
        await harness.stop()
        return events

    events = run(scenario())
    assert [(event['export_task']['task_id'], event['export_task']['status']) for event in events] == [
        ('task-00001', 'FAIL'), ('task-00002', 'EXPIRED')]
    assert events[0]['export_task']['fail_reason'] == 'The disk is full.'
    assert events[0]['export_task']['error_code'] == 'WKS.00010002'
    assert events[1]['key'] == 'task-00002/EXPIRED'


def test_a_task_created_and_finished_between_two_polls_is_reported_once(server, args):
    server.tasks = [task(1, 'SUCCESS')]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.tasks.append(task(2, 'SUCCESS', seconds=90))
        server.tasks.append(task(3, 'FAIL', seconds=91))
        events = await harness.poll()
        assert await harness.poll(3) == []
        await harness.stop()
        return events

    events = run(scenario())
    assert finished_ids(events) == ['task-00002', 'task-00003']
    assert all(event['previous_status'] == 'CREATING' for event in events)


@pytest.mark.parametrize('initial', [True, False])
def test_tasks_finished_before_the_start_are_reported_only_with_initial(server, args, initial):
    server.tasks = [task(1, 'SUCCESS'), task(2, 'FAIL'), task(3), task(4, 'EXPIRED')]

    async def scenario():
        harness = Harness(dict(args, initial=initial))
        at_start = await harness.started()
        finish(server, 3)
        later = await harness.poll(3)
        await harness.stop()
        return at_start, later

    at_start, later = run(scenario())
    expected = [('task-00001', None), ('task-00002', None), ('task-00004', None)] if initial else []
    assert [(event['export_task']['task_id'], event['previous_status']) for event in at_start] == expected
    assert [(event['export_task']['task_id'], event['previous_status']) for event in later] == [
        ('task-00003', 'CREATING')]


def test_since_reports_what_finished_within_it_once_and_nothing_older(server, args):
    """A restart: tasks that ended two and three hours ago, and three within the last hour (one of them created
    before the hour began). since 1h reports those three once, at start, and nothing more afterwards."""
    now = START + datetime.timedelta(seconds=60)

    def ended(number, ago_minutes, created_minutes_before_end=5, status='SUCCESS'):
        end = now - datetime.timedelta(minutes=ago_minutes)
        record = task(number, status, end_time=api_time(end))
        record['create_time'] = api_time(end - datetime.timedelta(minutes=created_minutes_before_end))
        return record

    server.tasks = [ended(1, 180), ended(2, 120), ended(3, 58, created_minutes_before_end=4), ended(4, 30),
                    ended(5, 10, status='FAIL'), task(6)]
    server.tasks.sort(key=lambda record: record['create_time'])

    async def scenario():
        harness = Harness(dict(args, since='1h'))
        at_start = await harness.started()
        later = await harness.poll(3)
        await harness.stop()
        return at_start, later

    at_start, later = run(scenario())
    assert sorted(finished_ids(at_start)) == ['task-00003', 'task-00004', 'task-00005']
    assert all(event['previous_status'] is None for event in at_start)
    assert later == []


def test_a_finished_task_that_expires_later_is_not_reported_again(server, args):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        finish(server, 1)
        first = await harness.poll()
        finish(server, 1, 'EXPIRED')
        again = await harness.poll(3)
        await harness.stop()
        return first, again

    first, again = run(scenario())
    assert finished_ids(first) == ['task-00001'] and again == []


def test_status_reports_only_those_final_statuses_and_watches_every_task(server, args):
    server.tasks = [task(1), task(2), task(3, 'FAIL')]

    async def scenario():
        harness = Harness(dict(args, status=['FAIL', 'EXPIRED'], initial=True))
        at_start = await harness.started()
        finish(server, 1)
        finish(server, 2, 'FAIL')
        events = await harness.poll(2)
        await harness.stop()
        return at_start, events

    at_start, events = run(scenario())
    assert finished_ids(at_start) == ['task-00003']
    assert finished_ids(events) == ['task-00002']
    assert all('status' not in request['query'] for request in list_requests(server))


def test_file_name_and_is_download_go_to_the_api_as_filters(server, args):
    server.tasks = [task(1, file_name='wanted.xlsx'), task(2), task(3, file_name='wanted.xlsx', is_download=True)]

    async def scenario():
        harness = Harness(dict(args, file_name='wanted.xlsx', is_download='false'))
        await harness.started()
        finish(server, 1)
        finish(server, 2)
        events = await harness.poll()
        await harness.stop()
        return events

    assert finished_ids(run(scenario())) == ['task-00001']
    queries = [request['query'] for request in list_requests(server)]
    assert queries and all(query['file_name'] == 'wanted.xlsx' and query['is_download'] == 'false' for query in queries)
    # The start: the running tasks, then the newest ones; then a poll: the newest ones.
    assert [query.get('status') for query in queries] == ['CREATING', None, None]
    assert [query['sort_type'] for query in queries] == ['ASC', 'DESC', 'DESC']


def test_a_poll_usually_costs_two_requests_one_per_is_download(server, args):
    server.tasks = [task(number) for number in range(1, 6)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        before = len(list_requests(server))
        await harness.poll(10)
        await harness.stop()
        return list_requests(server)[before:]

    polls = run(scenario())
    assert len(polls) == 20
    assert [request['query']['is_download'] for request in polls] == ['false', 'true'] * 10


def test_a_downloaded_task_is_found_although_the_service_hides_it_without_is_download(server, args):
    """The service may read an absent is_download as false: a task downloaded before the poll that sees it
    finish is then only in the is_download=true list."""
    server.tasks = [task(1)]
    serve_tasks = server.default

    def absent_means_false(request):
        if request['path'].endswith('/export-tasks') and 'is_download' not in request['query']:
            request['query']['is_download'] = 'false'
            return Answer(200, server.cloud.answer(list(request['query'].items())))
        return serve_tasks(request)

    server.default = absent_means_false

    async def scenario():
        harness = Harness(args)
        await harness.started()
        finish(server, 1)['is_download'] = True
        events = await harness.poll()
        await harness.stop()
        return events

    [event] = run(scenario())
    assert event['export_task']['task_id'] == 'task-00001' and event['export_task']['is_download'] is True


def test_more_than_a_page_of_new_tasks_is_read_to_the_end(server, args):
    server.tasks = [task(1, 'SUCCESS')]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.tasks += [task(number, 'SUCCESS' if number % 2 else 'CREATING') for number in range(2, 252)]
        first = await harness.poll()
        for record in server.tasks:
            record['status'] = 'SUCCESS'
        second = await harness.poll()
        assert await harness.poll(2) == []
        await harness.stop()
        return first, second

    first, second = run(scenario())
    assert finished_ids(first) == ['task-%05d' % number for number in range(3, 252, 2)]
    assert finished_ids(second) == ['task-%05d' % number for number in range(2, 252, 2)]


def test_followed_tasks_older_than_the_window_are_found_by_id_and_a_deleted_one_is_logged(server, args, caplog):
    """Three running tasks far behind the newest ones: the poll reads the newest tasks to the horizon, then the
    followed ones it did not see (task 1 finished; task 3 was deleted)."""
    server.tasks = [task(1, seconds=-7200), task(2, seconds=-7199), task(3, seconds=-7198)]
    server.tasks += [task(number, 'SUCCESS', seconds=-7000 + number) for number in range(4, 154)]
    server.tasks += [task(number, 'SUCCESS', seconds=number - 200) for number in range(154, 164)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        assert await harness.poll() == []
        finish(server, 1)
        del server.tasks[2]
        events = await harness.poll()
        assert await harness.poll(2) == []
        followed = set(harness.source.watch.followed)
        await harness.stop()
        return events, followed

    with caplog.at_level(logging.WARNING, logger='hwcloud.workspace.export_tasks'):
        events, followed = run(scenario())
    assert finished_ids(events) == ['task-00001'] and events[0]['previous_status'] == 'CREATING'
    assert followed == {'task-00002'}
    assert 'export task task-00003 is gone (deleted, or no longer matching the filters)' in caplog.text


def test_task_ids_follows_those_tasks_and_ends_when_all_have_finished(server, args):
    server.tasks = [task(1, 'SUCCESS'), task(2), task(3), task(4)]

    async def scenario():
        harness = Harness(dict(args, task_ids=['task-00001', 'task-00002', 'task-00003'], initial=True))
        at_start = await harness.started()
        finish(server, 2, 'FAIL')
        finish(server, 4)
        first = await harness.poll()
        finish(server, 3)
        second = await harness.poll()
        assert harness.task.done() and harness.task.result() is None
        return at_start, first, second

    at_start, first, second = run(scenario())
    assert [(event['export_task']['task_id'], event['previous_status']) for event in at_start] == [('task-00001', None)]
    assert finished_ids(first) == ['task-00002'] and finished_ids(second) == ['task-00003']
    assert all(request['query'].get('task_id') in (None, 'task-00001', 'task-00002', 'task-00003')
               for request in list_requests(server))


def test_task_ids_that_do_not_exist_stop_the_source_naming_them(server, args):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(dict(args, task_ids=['task-00001', 'nope-1', 'nope-2']))
        await harness.started()

    with pytest.raises(ExportTaskSourceError) as failed:
        run(scenario())
    assert str(failed.value) == 'hwcloud.workspace.export_tasks: Unknown export task ID(s): nope-1, nope-2'


def test_transient_errors_are_logged_cleaned_and_cut_and_the_next_poll_catches_up(server, args, caplog):
    server.tasks = [task(1), task(2)]
    forged = 'backend unavailable ' + SECRET + '\n2026-11-28 INFO forged line \x1b[31m' + 'x' * 200000

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.queue = [Answer(503, {'error_code': 'APIGW.0202', 'error_msg': forged}), Answer(drop=True)]
        finish(server, 1)
        assert await harness.poll(2) == []
        finish(server, 2, 'FAIL')
        events = await harness.poll()
        assert await harness.poll() == []
        await harness.stop()
        return events, harness.clock.sleeps

    with caplog.at_level(logging.WARNING, logger='hwcloud.workspace.export_tasks'):
        events, sleeps = run(scenario())
    assert finished_ids(events) == ['task-00001', 'task-00002']
    warnings = [record.getMessage() for record in caplog.records]
    assert 'polling failed (1 time(s) in a row), trying again in 60 s' in warnings[0] and 'HTTP 503' in warnings[0]
    assert 'polling failed (2 time(s) in a row), trying again in 120 s' in warnings[1]
    assert 'polling works again after 2 failure(s)' in warnings[2]
    assert SECRET not in caplog.text and '********' in warnings[0]
    assert '\n' not in warnings[0] and '\x1b' not in warnings[0] and '\\n2026-11-28 INFO forged' in warnings[0]
    assert max(len(warning) for warning in warnings) < 1000
    # interval, then the back-off of each failure in a row, then interval again.
    assert sleeps[:4] == [30.0, 60.0, 120.0, 30.0]


def test_the_back_off_is_capped_at_five_minutes(server, args):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.default = lambda request: Answer(503, {'error_code': 'X', 'error_msg': 'down'})
        await harness.poll(8)
        await harness.stop()
        return harness.clock.sleeps

    assert run(scenario()) == [30.0, 60.0, 120.0, 240.0, 300.0, 300.0, 300.0, 300.0, 300.0]


def test_a_server_that_does_not_page_fails_a_poll_which_is_logged_and_tried_again_like_an_outage(server, args, caplog):
    """Every page the same hundred recent tasks and a count of 10**9: the poll fails after 4 requests (the
    stated bound, tested on the fake in test_watch.py), and the source keeps going, more than five times in a row."""
    server.tasks = [task(1)]
    serve_tasks = server.default
    same = [task(number, 'SUCCESS', seconds=50) for number in range(100, 200)]

    def ignores_offset(request):
        if request['path'].endswith('/export-tasks') and request['query'].get('sort_type') == 'DESC':
            return Answer(200, {'export_tasks': same, 'count': 10 ** 9})
        return serve_tasks(request)

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.default = ignores_offset
        before = len(list_requests(server))
        assert await harness.poll(7) == []
        failing = len(list_requests(server)) - before
        server.default = serve_tasks
        finish(server, 1)
        events = await harness.poll()
        await harness.stop()
        return failing, events, harness.clock.sleeps

    with caplog.at_level(logging.WARNING, logger='hwcloud.workspace.export_tasks'):
        failing, events, sleeps = run(scenario())
    assert failing == 7 * 4
    assert finished_ids(events) == ['task-00001']
    assert caplog.text.count('the newest tasks cannot be read') == 7
    assert 'polling works again after 7 failure(s)' in caplog.text
    assert sleeps[1:8] == [60.0, 120.0, 240.0, 300.0, 300.0, 300.0, 300.0]


def test_a_non_json_200_is_transient_and_only_several_in_a_row_stop_the_source(server, args, caplog):
    server.tasks = [task(1)]
    html = Answer(200, raw=b'<html><body>Proxy error</body></html>', headers={'Content-Type': 'text/html'})

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.queue = [html]
        finish(server, 1)
        assert await harness.poll() == []
        events = await harness.poll()
        server.default = lambda request: html
        await harness.poll(4)
        await harness.poll()

    with caplog.at_level(logging.WARNING, logger='hwcloud.workspace.export_tasks'):
        with pytest.raises(ExportTaskSourceError) as failed:
            run(scenario())
    assert 'the answer is not a JSON object' in str(failed.value)
    assert caplog.text.count('polling failed') == 1 + 4
    assert 'polling works again after 1 failure(s)' in caplog.text


def test_a_malformed_record_is_a_named_error_of_that_poll_not_a_crash(server, args, caplog):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.tasks.append(task(2, status=['SUCCESS']))
        assert await harness.poll() == []
        server.tasks.pop()
        finish(server, 1)
        events = await harness.poll()
        await harness.stop()
        return events

    with caplog.at_level(logging.WARNING, logger='hwcloud.workspace.export_tasks'):
        events = run(scenario())
    assert finished_ids(events) == ['task-00001']
    assert 'export task task-00002 has a malformed record: status is list, not a non-empty string' in caplog.text


def test_events_hold_no_secret_and_no_control_character_from_a_hostile_record(server, args):
    token_args = dict(args, auth_token=TOKEN, access_key=None, secret_key=None)
    server.tasks = [task(1, file_name='\x1b]0;owned\x07export.xlsx')]

    async def scenario():
        harness = Harness(token_args)
        await harness.started()
        finish(server, 1, 'FAIL')['fail_reason'] = 'headers: X-Auth-Token: %s' % TOKEN
        events = await harness.poll()
        await harness.stop()
        return events

    [event] = run(scenario())
    assert TOKEN not in repr(event) and '********' in event['export_task']['fail_reason']
    assert event['export_task']['file_name'] == '\\x1b]0;owned\\x07export.xlsx'


def test_a_start_that_would_hold_more_than_max_tasks_stops_the_source_naming_it(server, args):
    server.tasks = [task(number, 'SUCCESS') for number in range(1, 4)]

    async def scenario():
        harness = Harness(dict(args, initial=True, max_tasks=2))
        with pytest.raises(ExportTaskSourceError) as stopped:
            await harness.started()
        return stopped.value

    error = run(scenario())
    assert 'more than max_tasks (2) export tasks (the API counts 3)' in str(error)


def test_a_failing_first_listing_is_tried_again(server, args):
    server.tasks = [task(1)]
    server.queue = [Answer(500, {'error_code': 'X', 'error_msg': 'oops'})]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        at_start = await harness.poll()
        finish(server, 1)
        events = await harness.poll()
        await harness.stop()
        return at_start, events

    at_start, events = run(scenario())
    assert at_start == [] and finished_ids(events) == ['task-00001']


@pytest.mark.parametrize('status', [401, 403])
def test_refused_credentials_stop_the_source_without_the_secret(server, args, status):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(args)
        await harness.started()
        server.queue = [Answer(status, {'error_code': 'APIGW.0301', 'error_msg': 'signature of %s is wrong' % SECRET})]
        await harness.poll()

    with pytest.raises(ExportTaskSourceError) as failed:
        run(scenario())
    message = str(failed.value)
    assert message.startswith('hwcloud.workspace.export_tasks: GET %s/v2/proj/export-tasks' % server.url)
    assert 'failed with HTTP %d: error_code=APIGW.0301' % status in message
    assert SECRET not in message and '********' in message
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


def test_main_stops_at_once_on_refused_credentials(server, args):
    server.default = lambda request: Answer(401, {'error_code': 'APIGW.0301', 'error_msg': 'bad'})
    with pytest.raises(ExportTaskSourceError, match='failed with HTTP 401'):
        run(main(asyncio.Queue(), args))
    assert len(server.requests) == 1


def test_main_reports_an_export_that_finishes(server, args):
    server.tasks = [task(1, seconds=int(datetime.datetime.now(datetime.timezone.utc).timestamp() - START.timestamp()))]

    async def scenario():
        queue = asyncio.Queue()
        running = asyncio.ensure_future(main(queue, dict(args, interval=0.01)))
        while len(list_requests(server)) < 4:  # the start, then a poll that saw it CREATING
            await asyncio.sleep(0.01)
        finish(server, 1)
        event = await asyncio.wait_for(queue.get(), PATIENCE)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        return event

    assert run(scenario())['export_task']['task_id'] == 'task-00001'


def test_requests_run_in_a_worker_thread_not_in_the_event_loop(server, args):
    server.tasks = [task(1)]
    release = threading.Event()
    answer_tasks = server.default

    def held(request):
        release.wait(PATIENCE)
        return answer_tasks(request)

    server.default = held

    async def scenario():
        harness = Harness(args)
        starting = asyncio.ensure_future(harness.started())
        # This coroutine runs while the source's first request waits for its answer: the loop is free.
        while not server.requests:
            await asyncio.sleep(0.01)
        assert not starting.done()
        release.set()
        await starting
        await harness.stop()

    run(scenario())


def test_connection_from_the_environment_sdk_names_first(server):
    server.tasks = [task(1)]
    environ = {'HUAWEICLOUD_SDK_AK': 'SDKACCESSKEY', 'HW_ACCESS_KEY': 'OTHERACCESSKEY', 'HUAWEICLOUD_SDK_SK': SECRET,
               'HW_WORKSPACE_ENDPOINT': server.url, 'HW_PROJECT_ID': server.project_id,
               'HUAWEICLOUD_SDK_REGION': 'xx-env-1'}

    async def scenario():
        harness = Harness({'interval': 5}, environ)
        await harness.started()
        await harness.stop()
        return harness.clock.sleeps, harness.source.connection.region

    assert run(scenario()) == ([5.0], 'xx-env-1')
    authorization = list_requests(server)[0]['headers']['Authorization']
    assert 'Access=SDKACCESSKEY,' in authorization and SECRET not in authorization


def test_an_iam_token_is_sent_instead_of_a_signature(server, args):
    server.tasks = [task(1)]
    token_args = dict(args, auth_token=TOKEN, access_key=None, secret_key=None)

    async def scenario():
        harness = Harness(token_args)
        await harness.started()
        await harness.stop()

    run(scenario())
    headers = list_requests(server)[0]['headers']
    assert headers['X-Auth-Token'] == TOKEN and 'Authorization' not in headers


def test_the_engine_arguments_are_ignored(server, args):
    server.tasks = [task(1)]

    async def scenario():
        harness = Harness(dict(args, eda_feedback_queue=asyncio.Queue()))
        assert await harness.started() == []
        await harness.stop()

    run(scenario())


@pytest.mark.parametrize('changes, message', [
    ({'interval': 0}, 'interval must be a finite number of seconds, more than 0, got 0'),
    ({'interval': 'soon'}, "argument 'interval' is of type str and we were unable to convert to float"),
    ({'interval': float('inf')}, 'interval must be a finite number of seconds, more than 0, got inf'),
    ({'initial': 'maybe'}, "argument 'initial' is of type str and we were unable to convert to bool"),
    ({'status': ['CREATING']}, 'value of status must be one or more of: SUCCESS, FAIL, EXPIRED. Got no match for: '
                               'CREATING'),
    ({'since': 'yesterday'}, "since must be a time like 2026-11-28T09:30:00Z or a duration like 90s, 30m, 2h, 1d, "
                             "got 'yesterday'"),
    ({'since': '2h', 'initial': True}, 'parameters are mutually exclusive: initial|since'),
    ({'since': '2h', 'task_ids': ['a']}, 'parameters are mutually exclusive: task_ids|since'),
    ({'task_ids': []}, 'task_ids must hold non-empty strings, got []'),
    ({'task_ids': ['a', ' ']}, "task_ids must hold non-empty strings, got ['a', ' ']"),
    ({'file_name': ''}, "file_name must hold non-empty strings, got ['']"),
    ({'is_download': 'perhaps'}, "argument 'is_download' is of type str and we were unable to convert to bool"),
    ({'validate_certs': 'perhaps'}, "argument 'validate_certs' is of type str and we were unable to convert to bool"),
    ({'timeout': 0}, 'timeout must be a finite number of seconds, more than 0, got 0'),
    ({'retries': -1}, 'retries must be at least 0, got -1'),
    ({'concurrency': 99}, 'concurrency must be from 1 to 32, got 99'),
    ({'project_id': 'a/b'}, 'project_id may hold only letters, digits, "-" and "_", got \'a/b\''),
    ({'auth_token': TOKEN}, 'auth_token and access_key/secret_key/security_token are mutually exclusive'),
    ({'secret_key': None}, 'access_key is set but secret_key is not'),
    ({'intervall': 5, 'task_id': 'x'}, 'unknown option(s) intervall, task_id; the options are access_key, auth_token, '
                                       'ca_path, concurrency, endpoint, file_name, iam_endpoint, initial, interval, '
                                       'is_download, max_tasks, project_id, region, retries, secret_key, '
                                       'security_token, since, status, task_ids, timeout, validate_certs'),
    ({'max_tasks': 0}, 'max_tasks must be a whole number from 1 to 1000000, got 0'),
])
def test_invalid_options_stop_main_before_any_request(server, args, changes, message):
    with pytest.raises(ExportTaskSourceError) as failed:
        run(main(asyncio.Queue(), dict(args, **changes)))
    assert str(failed.value).startswith('hwcloud.workspace.export_tasks: ' + message)
    assert server.requests == []


def test_messages_never_hold_a_secret_from_the_options_or_the_environment(server, args):
    with pytest.raises(ExportTaskSourceError) as failed:
        ExportTaskSource(dict(args, secret_key=None, since=SECRET + '\n'), environ={'HW_SECRET_KEY': SECRET})
    assert SECRET not in str(failed.value) and '********' in str(failed.value)


def test_no_credentials_at_all_is_a_clear_error(server, tmp_path):
    with pytest.raises(ExportTaskSourceError, match='No credentials: set access_key and secret_key'):
        ExportTaskSource({'endpoint': server.url, 'project_id': 'proj'},
                         environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(tmp_path / 'none')})


def test_memory_does_not_grow_with_the_tasks_seen_over_three_hundred_polls(server, args):
    """Each poll (30 s apart) one export starts, the one started before succeeds, and one is created and finishes
    in between: 600 finished exports, each reported once, while the state holds only the tasks of the look-back
    window, those still running and the last page read."""
    # The look-back window and the one page read (100 tasks) are full after about 70 polls: from then on the
    # state stays one size.
    polls, interval, steady = 300, 30, 100
    server.tasks = [task(0, 'SUCCESS', seconds=0)]
    sizes = []

    async def scenario():
        harness = Harness(dict(args, interval=interval))
        await harness.started()
        events = []
        for number in range(1, polls + 1):
            if number > 1:
                finish(server, 2 * number - 2)
            server.tasks.append(task(2 * number - 1, 'SUCCESS', seconds=60 + interval * number - 1))
            server.tasks.append(task(2 * number, seconds=60 + interval * number - 1))
            events += await harness.poll()
            sizes.append(harness.source.watch.size())
        await harness.stop()
        return events

    events = run(scenario())
    reported = finished_ids(events)
    assert len(reported) == 2 * polls - 1 and len(set(reported)) == len(reported)
    # Two tasks per poll within ten minutes, the one running, and what the last poll saw on its one page (a task
    # seen is remembered until the next poll, whatever its create_time, so that it is never reported again).
    window = 2 * (10 * 60 // interval) + 1 + 100
    assert max(sizes) <= window
    assert sizes[-1] == sizes[steady]


def test_the_plugin_imports_its_collection_when_run_by_path_as_ansible_rulebook_does(tmp_path):
    """ansible-rulebook runs the file with runpy from where the collection is installed, with nothing of the
    collection on sys.path: the plugin finds its module_utils from its own path."""
    if os.sep + 'ansible_collections' + os.sep in ROOT + os.sep:
        installed = ROOT
    else:
        installed = os.path.join(ROOT, '.build', 'collections', 'ansible_collections', 'hwcloud', 'workspace')
    script = ('import runpy, sys; plugin = runpy.run_path(sys.argv[1]); '
              'print(plugin["SOURCE"], plugin["_watch"].__name__)')
    environment = dict((name, value) for name, value in os.environ.items()
                       if name not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH'))
    done = subprocess.run([sys.executable, '-c', script, os.path.join(installed, PLUGIN_PATH)], cwd=str(tmp_path),
                          env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ['hwcloud.workspace.export_tasks',
                                   'ansible_collections.hwcloud.workspace.plugins.module_utils._watch']
