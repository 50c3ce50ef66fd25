# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Paging, filters, tasks by ID and project lookup, against a real local server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import open_workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceApiError, WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    TASK_FIELDS,
    ExportTaskApi,
    find_tasks,
    validate_query,
)
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, make_task


def make_api(server, **options):
    settings = dict(endpoint=server.url, iam_endpoint=server.url, project_id='proj', access_key='AK', secret_key='SK')
    settings.update(options)
    return ExportTaskApi(open_workspace(WorkspaceClient(resolve_connection(settings, environ={}))))


@pytest.mark.parametrize('total, requests', [(0, 1), (1, 1), (99, 1), (100, 1), (101, 2), (250, 3), (300, 4)])
def test_every_page_once_with_exact_request_count(server, total, requests):
    tasks = [make_task(n) for n in range(total)]
    server.tasks = tasks
    found, count = make_api(server).list_all({})
    assert [t['task_id'] for t in found] == [t['task_id'] for t in tasks]
    assert count == total
    assert len(server.requests) == requests
    # each page after the first starts on the last record of the page before it (they arrive in any order)
    assert sorted((r['query'] for r in server.requests), key=lambda query: int(query['offset'])) == [
        {'offset': str(99 * n), 'limit': '100', 'sort_field': 'create_time', 'sort_type': 'ASC'} for n in range(requests)]


def test_pages_capped_by_the_server_are_all_read(server):
    server.tasks = [make_task(n) for n in range(120)]
    serve = server.default
    server.default = lambda request: serve(dict(request, query=dict(request['query'], limit='50')))
    found, count = make_api(server).list_all({})
    assert len(found) == count == 120
    assert sorted(int(r['query']['offset']) for r in server.requests) == [0, 49, 98]


def test_duplicates_are_dropped(server):
    tasks = [make_task(n) for n in range(150)]
    server.tasks = tasks[:120] + tasks[99:101] + tasks[120:]
    found, count = make_api(server).list_all({})
    assert [t['task_id'] for t in found] == [t['task_id'] for t in tasks]
    assert count == 152


def test_task_added_during_paging_is_not_lost(server):
    server.tasks = [make_task(n) for n in range(150)]
    serve = server.default

    def add_after_first_page(request):
        answer = serve(request)
        if len(server.requests) == 1:
            server.tasks.append(make_task(999))
        return answer

    server.default = add_after_first_page
    found, count = make_api(server, concurrency=1).list_all({})
    assert len(found) == count == 151 and found[-1]['task_id'] == 'task-0999'


def test_filters_become_query_parameters_only_when_set(server):
    server.tasks = [make_task(1, status='FAIL', is_download=True)]
    api = make_api(server)
    api.list_page({'file_name': 'a b+c.xlsx', 'task_id': None, 'status': 'FAIL', 'is_download': True,
                   'sort_field': None, 'sort_type': None})
    assert server.requests[0]['raw_query'] == 'file_name=a%20b%2Bc.xlsx&is_download=true&status=FAIL'


def test_one_page_mode(server):
    server.tasks = [make_task(n) for n in range(250)]
    tasks, count, missing = find_tasks(make_api(server), {'sort_field': 'create_time', 'sort_type': 'DESC'}, offset=10, limit=5)
    assert [t['task_id'] for t in tasks] == ['task-0239', 'task-0238', 'task-0237', 'task-0236', 'task-0235']
    assert (count, missing, len(server.requests)) == (250, [], 1)
    assert server.requests[0]['query'] == {'offset': '10', 'limit': '5', 'sort_field': 'create_time', 'sort_type': 'DESC'}


def test_records_have_exactly_the_api_fields(server):
    server.tasks = [{'task_id': 't', 'status': 'SUCCESS', 'surprise': 1}]
    tasks, dummy = make_api(server).list_page({})
    assert tasks == [dict((field, None) for field in TASK_FIELDS if field not in ('task_id', 'status'))
                     | {'task_id': 't', 'status': 'SUCCESS'}]
    assert list(tasks[0]) == list(TASK_FIELDS)


@pytest.mark.parametrize('body', [{'export_tasks': 'x', 'count': 1}, {'count': 1}, {'export_tasks': []},
                                  {'export_tasks': [], 'count': '3'}, {'export_tasks': [1], 'count': 1}])
def test_wrongly_shaped_answer_is_a_clear_error(server, body):
    server.queue.append(Answer(200, body))
    with pytest.raises(WorkspaceApiError) as caught:
        make_api(server).list_page({})
    assert 'lacks export_tasks (a list of objects) or count (an integer)' in str(caught.value)


def test_by_one_id_costs_one_request(server):
    server.tasks = [make_task(n) for n in range(300)]
    tasks, missing = make_api(server).get_by_ids(['task-0007'])
    assert [t['task_id'] for t in tasks] == ['task-0007'] and missing == []
    assert len(server.requests) == 1 and server.requests[0]['query'] == {'task_id': 'task-0007'}


def test_by_recent_ids_walks_newest_pages(server):
    server.tasks = [make_task(n) for n in range(1000)]
    wanted = ['task-0999', 'task-0950', 'task-0901']
    tasks, missing = make_api(server).get_by_ids(wanted)
    assert [t['task_id'] for t in tasks] == wanted and missing == []
    assert len(server.requests) == 1 and server.requests[0]['query']['sort_type'] == 'DESC'


def test_by_old_ids_switches_to_one_request_per_id(server):
    server.tasks = [make_task(n) for n in range(1000)]
    tasks, missing = make_api(server).get_by_ids(['task-0003', 'task-0999', 'task-0004'])
    assert [t['task_id'] for t in tasks] == ['task-0003', 'task-0999', 'task-0004'] and missing == []
    # one page of the newest, then two single lookups instead of nine more pages
    assert sorted(r['query'].get('task_id') or '' for r in server.requests) == ['', 'task-0003', 'task-0004']


def test_an_id_on_no_page_is_asked_for_by_id_before_it_is_called_unknown(server):
    server.tasks = [make_task(n) for n in range(150)]
    tasks, missing = make_api(server).get_by_ids(['task-0001', 'nope', 'task-0149'])
    assert [t['task_id'] for t in tasks] == ['task-0001', 'task-0149'] and missing == ['nope']
    # then once more among the downloaded tasks (an absent is_download may mean false)
    assert [(r['query'].get('offset') or r['query']['task_id'], r['query'].get('is_download')) for r in server.requests] \
        == [('0', None), ('100', None), ('nope', None), ('nope', 'true')]


@pytest.mark.parametrize('hide_downloaded', [False, True])
def test_a_downloaded_task_is_found_under_either_reading_of_is_downloads_default(server, hide_downloaded):
    server.cloud.hide_downloaded = hide_downloaded
    server.tasks = [make_task(n, is_download=n % 2 == 1) for n in range(250)]
    wanted = ['task-0001', 'task-0002', 'task-0003', 'nope']
    tasks, missing = make_api(server).get_by_ids(wanted)
    assert [t['task_id'] for t in tasks] == wanted[:3] and missing == ['nope']
    assert [t['is_download'] for t in tasks] == [True, False, True]


@pytest.mark.parametrize('hide_downloaded, requests', [(False, 2), (True, 2)])
def test_one_downloaded_task_costs_at_most_one_more_request(server, hide_downloaded, requests):
    server.cloud.hide_downloaded = hide_downloaded
    server.tasks = [make_task(n, is_download=True) for n in range(150)]
    tasks, missing = make_api(server).get_by_ids(['task-0003'])
    assert [t['task_id'] for t in tasks] == ['task-0003'] and missing == []
    assert len(server.requests) <= requests


def test_an_is_download_filter_is_kept_without_a_second_look(server):
    server.cloud.hide_downloaded = True
    server.tasks = [make_task(1, is_download=True)]
    tasks, missing = make_api(server).get_by_ids(['task-0001'], {'is_download': False})
    assert tasks == [] and missing == ['task-0001']
    assert [r['query'].get('is_download') for r in server.requests] == ['false']


def test_project_id_resolved_through_iam_once(server):
    server.tasks = [make_task(1)]
    server.project_id = 'resolvedproject'
    api = make_api(server, project_id=None, region='cn-north-4')
    api.list_all({})
    api.list_all({})
    project_path = '/v2/resolvedproject/export-tasks'
    assert [r['path'] for r in server.requests] == ['/v3/projects', project_path, project_path]
    assert server.requests[0]['query'] == {'name': 'cn-north-4'}
    assert 'X-Project-Id' not in server.requests[0]['headers']
    assert server.requests[1]['headers']['X-Project-Id'] == 'resolvedproject'


@pytest.mark.parametrize('projects, words', [([], ['no project named', "'cn-north-4'"]),
                                             ([{'id': 'a'}, {'id': 'b'}], ['several projects', 'a, b'])])
def test_project_lookup_errors(server, projects, words):
    server.queue.append(Answer(200, {'projects': projects}))
    with pytest.raises(WorkspaceConfigError) as caught:
        make_api(server, project_id=None, region='cn-north-4').list_page({})
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize('filters, offset, limit, words', [
    ({'status': 'DONE'}, None, None, ['status', 'CREATING, SUCCESS, FAIL, EXPIRED', "'DONE'"]),
    ({'sort_field': 'name', 'sort_type': 'ASC'}, None, None, ['sort_field', 'create_time']),
    ({'sort_field': 'create_time', 'sort_type': 'UP'}, None, None, ['sort_type', 'ASC, DESC']),
    ({'sort_type': 'ASC'}, None, None, ['sort_field and sort_type go together']),
    ({'sort_field': 'create_time'}, None, None, ['sort_field and sort_type go together']),
    ({'is_download': 'yes'}, None, None, ['is_download', 'true or false']),
    ({'colour': 'red'}, None, None, ['colour', 'file_name']),
    ({}, -1, None, ['offset', '>= 0']),
    ({}, None, 0, ['limit', '1 to 100']),
    ({}, None, 101, ['limit', '1 to 100']),
])
def test_bad_queries_are_refused_naming_the_option(filters, offset, limit, words):
    with pytest.raises(WorkspaceConfigError) as caught:
        validate_query(filters, offset, limit)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize('total, requests', [(0, 3), (1, 3), (250, 7)])
def test_many_unknown_ids_cost_what_the_count_says_not_one_request_each(server, total, requests):
    server.tasks = [make_task(n) for n in range(total)]
    tasks, missing = make_api(server).get_by_ids(['ghost-%04d' % n for n in range(1000)])
    assert tasks == [] and missing == ['ghost-%04d' % n for n in range(1000)]
    # the newest page, the pages its count announces, then one listing of every task; no page beyond the count;
    # then the newest page of the downloaded tasks (none: nothing more to ask)
    assert len(server.requests) == requests
    assert all(int(request['query']['offset']) < max(total, 1) for request in server.requests)
    assert not any('task_id' in request['query'] for request in server.requests)
