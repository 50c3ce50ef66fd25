# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""GET /v2/{project_id}/export-tasks: filters, one page, every page, tasks by ID."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._project import resolve_project_id

STATUSES = ('CREATING', 'SUCCESS', 'FAIL', 'EXPIRED')
SORT_FIELDS = ('create_time',)
SORT_TYPES = ('ASC', 'DESC')
FILTERS = ('file_name', 'task_id', 'status', 'is_download', 'sort_field', 'sort_type')
# Exactly the ExportTaskItem fields of the API document, in its order.
TASK_FIELDS = ('task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time',
               'is_download')
MAX_PAGE_SIZE = 100
# Sorting that keeps offsets stable while we walk pages: new tasks are appended at the end.
STABLE_ORDER = {'sort_field': 'create_time', 'sort_type': 'ASC'}
# Newest first, for finding given tasks: the ones people ask about are usually recent.
NEWEST_FIRST = {'sort_field': 'create_time', 'sort_type': 'DESC'}


def _check_choice(option, value, choices):
    if value is not None and value not in choices:
        raise WorkspaceConfigError('%s must be one of %s, got %r' % (option, ', '.join(choices), value))


def validate_query(filters, offset=None, limit=None):
    """Reject what the API would reject, naming the option, before any request."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise WorkspaceConfigError('Unknown filter(s) %s; the filters are %s' % (', '.join(unknown), ', '.join(FILTERS)))
    _check_choice('status', filters.get('status'), STATUSES)
    _check_choice('sort_field', filters.get('sort_field'), SORT_FIELDS)
    _check_choice('sort_type', filters.get('sort_type'), SORT_TYPES)
    if (filters.get('sort_field') is None) != (filters.get('sort_type') is None):
        raise WorkspaceConfigError('sort_field and sort_type go together: set both (sort_field=create_time, '
                                   'sort_type=ASC or DESC) or neither')
    if filters.get('is_download') is not None and not isinstance(filters['is_download'], bool):
        raise WorkspaceConfigError('is_download must be a boolean (true or false), got %r' % (filters['is_download'],))
    if offset is not None and (not isinstance(offset, int) or offset < 0):
        raise WorkspaceConfigError('offset must be an integer >= 0, got %r' % (offset,))
    if limit is not None and (not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE):
        raise WorkspaceConfigError('limit must be an integer from 1 to %d, got %r' % (MAX_PAGE_SIZE, limit))


def task_record(item):
    """Exactly the documented fields, whatever else (or less) the API sends."""
    return dict((field, item.get(field)) for field in TASK_FIELDS)


class ExportTaskApi:
    """The export-task list API over a WorkspaceClient."""

    def __init__(self, client):
        self.client = client

    def _path(self):
        return '/v2/%s/export-tasks' % resolve_project_id(self.client)

    def list_page(self, filters, offset=None, limit=None):
        """One page: (records, count). Only the options that are set become query parameters."""
        params = [(name, value) for name, value in filters.items() if value is not None]
        params += [(name, value) for name, value in (('offset', offset), ('limit', limit)) if value is not None]
        path = self._path()
        body = self.client.get_json(self.client.connection.endpoint, path, params,
                                    project_id=self.client.connection.project_id)
        tasks, count = body.get('export_tasks'), body.get('count')
        if not isinstance(tasks, list) or not all(isinstance(item, dict) for item in tasks) \
                or isinstance(count, bool) or not isinstance(count, int):
            raise WorkspaceApiError('GET', self.client.connection.endpoint + path, 200,
                                    detail='the answer lacks export_tasks (a list of objects) or count (an integer)')
        return [task_record(item) for item in tasks], count

    def iter_pages(self, filters):
        """Yield (records, count) page after page of 100, until the API's count is reached."""
        ordered = dict(filters)
        if ordered.get('sort_field') is None:
            ordered.update(STABLE_ORDER)
        offset = 0
        while True:
            tasks, count = self.list_page(ordered, offset, MAX_PAGE_SIZE)
            yield tasks, count
            offset += len(tasks)
            # A short page is not the end: the API may cap pages below what was asked for.
            if not tasks or offset >= count:
                return

    def list_all(self, filters):
        """Every matching task once (first seen wins), and the API's count."""
        seen = {}
        count = 0
        for tasks, count in self.iter_pages(filters):
            for task in tasks:
                seen.setdefault(task['task_id'], task)
        return list(seen.values()), count

    def get_by_ids(self, task_ids, filters=None):
        """The tasks with these IDs (in the order given) and the IDs not found.

        Cost: one request for one ID; for more, pages of the newest tasks until all are found, or one
        request per still-missing ID when that is cheaper than the pages left.
        """
        filters = dict(filters or {})
        wanted = list(dict.fromkeys(task_ids))
        found = {}
        if len(wanted) > 1:
            order = dict(filters, **NEWEST_FIRST) if filters.get('sort_field') is None else filters
            fetched = 0
            for tasks, count in self.iter_pages(order):
                fetched += len(tasks)
                found.update((task['task_id'], task) for task in tasks
                             if task['task_id'] in wanted and task['task_id'] not in found)
                missing = len(wanted) - len(found)
                pages_left = -(-(count - fetched) // MAX_PAGE_SIZE)
                if missing == 0 or missing < pages_left:
                    break
            else:
                # Every page was read: what is missing does not exist.
                return self._in_order(wanted, found)
        for task_id in wanted:
            if task_id not in found:
                tasks = self.list_page(dict(filters, task_id=task_id))[0]
                found.update((task['task_id'], task) for task in tasks if task['task_id'] == task_id)
        return self._in_order(wanted, found)

    @staticmethod
    def _in_order(wanted, found):
        return [found[task_id] for task_id in wanted if task_id in found], \
            [task_id for task_id in wanted if task_id not in found]


def find_tasks(api, filters, task_ids=None, offset=None, limit=None):
    """What the module and the lookup return: (records, count, missing task IDs).

    With task_ids, the tasks with those IDs (also matching the filters); with offset or limit, that one
    page; otherwise every matching task, all pages.
    """
    if task_ids:
        tasks, missing = api.get_by_ids(task_ids, filters)
        return tasks, len(tasks), missing
    if offset is not None or limit is not None:
        tasks, count = api.list_page(filters, offset, limit)
        return tasks, count, []
    tasks, count = api.list_all(filters)
    return tasks, count, []
