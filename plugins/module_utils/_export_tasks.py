# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""GET /v2/{project_id}/export-tasks: filters, one page, every page, tasks by ID."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import OVERLAP, PAGE_SIZE, Pager, in_order

STATUSES = ('CREATING', 'SUCCESS', 'FAIL', 'EXPIRED')
SORT_FIELDS = ('create_time',)
SORT_TYPES = ('ASC', 'DESC')
FILTERS = ('file_name', 'task_id', 'status', 'is_download', 'sort_field', 'sort_type')
# Exactly the ExportTaskItem fields of the API document, in its order.
TASK_FIELDS = ('task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time',
               'is_download')
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
    if limit is not None and (not isinstance(limit, int) or not 1 <= limit <= PAGE_SIZE):
        raise WorkspaceConfigError('limit must be an integer from 1 to %d, got %r' % (PAGE_SIZE, limit))


def task_record(item):
    """Exactly the documented fields, whatever else (or less) the API sends."""
    return dict((field, item.get(field)) for field in TASK_FIELDS)


class Located:
    """What a search for task IDs found: records by ID, their places in the list, and the IDs not found.

    positions holds, for the records read from pages of the newest tasks, their index there (so the next
    search knows how deep to read); count is that list's count, when a page of it was read.
    """

    def __init__(self, records, positions, missing, count):
        self.records = records
        self.positions = positions
        self.missing = missing
        self.count = count


class ExportTaskApi:
    """ListExportTasks of one Workspace (see _api.Workspace).

    Pages after the first are fetched concurrently, up to the connection's concurrency; the client's
    throttle bounds what is in flight and slows every worker down when the API throttles. Every method
    takes deadline (a time.monotonic() value): no request starts that would end after it.
    """

    def __init__(self, workspace):
        self.workspace = workspace
        self.concurrency = workspace.concurrency

    def _invalid(self, detail):
        return WorkspaceApiError('GET', self.workspace.url('ListExportTasks'), 200, detail=detail)

    def list_page(self, filters, offset=None, limit=None, deadline=None):
        """One page: (records, count). Only the options that are set become query parameters."""
        params = [(name, value) for name, value in filters.items() if value is not None]
        params += [(name, value) for name, value in (('offset', offset), ('limit', limit)) if value is not None]
        body = self.workspace.call('ListExportTasks', params, deadline=deadline)
        tasks, count = body.get('export_tasks'), body.get('count')
        if not isinstance(tasks, list) or not all(isinstance(item, dict) for item in tasks) \
                or isinstance(count, bool) or not isinstance(count, int):
            raise self._invalid('the answer lacks export_tasks (a list of objects) or count (an integer)')
        if not all(isinstance(item.get('task_id'), str) and item['task_id'] for item in tasks):
            raise self._invalid('a record in export_tasks has no task_id: the answer is not a task list')
        return [task_record(item) for item in tasks], count

    def _pager(self, filters, deadline):
        return Pager(lambda offset, limit: self.list_page(filters, offset, limit, deadline),
                     self.concurrency, self._invalid)

    def list_all(self, filters, deadline=None):
        """Every matching task once, in the API's order (oldest first unless a sort is given), and the count."""
        ordered = dict(filters)
        if ordered.get('sort_field') is None:
            # New tasks are appended at the end, so they never move what is still to be read.
            ordered.update(STABLE_ORDER)
        return self._pager(ordered, deadline).read_all()

    def locate(self, task_ids, filters=None, depth=None, deadline=None):
        """Find the records of task_ids (with filters): a Located.

        Reads pages of the newest tasks (the ones followed or asked about are usually recent), then asks
        for each ID not seen there with the task_id filter, whichever costs fewer requests:
        - depth (a number of records) known: every page down to it at once, unless there are fewer IDs;
        - depth None: the first page, then as many more at once as the IDs not seen yet could fill (within the
          count), while that is fewer requests than asking for each.
        The IDs not seen on those pages are asked for one by one, or found by reading every page when the
        count says that is cheaper (a thousand unknown IDs in an empty list cost two requests, not a
        thousand). A task seen twice (new tasks push records down while pages are read) keeps its final record.
        The pages read are bounded by depth or by the API's count, so this ends whatever the API answers.
        Without an is_download filter, the IDs still not found are asked for once more with is_download=true
        (at most one more request each): under the reading of the API where an absent is_download means false,
        a downloaded task is listed only then.
        """
        filters = dict(filters or {})
        wanted = list(dict.fromkeys(task_ids))
        wanted_set = set(wanted)
        order = dict(filters, **NEWEST_FIRST) if filters.get('sort_field') is None else filters
        pager = self._pager(order, deadline)
        seen, positions = {}, {}
        page_size = PAGE_SIZE  # what the server answers per page, when it caps pages below what was asked for
        if depth is None:
            # The first page alone: its count says how many more are worth reading (none in an empty list).
            offsets = [0] if len(wanted) > 1 else []
        else:
            offsets = list(range(0, depth, PAGE_SIZE)) if -(-depth // PAGE_SIZE) < len(wanted) else []
        while offsets:
            with contextlib.closing(pager.pages(offsets)) as pages:
                for page in pages:
                    _remember(page, wanted_set, seen, positions)
                    if not page.is_last:
                        page_size = min(page_size, len(page.records))
            end = offsets[-1] + PAGE_SIZE
            unseen = len(wanted) - len(seen)
            pages_left = -(-(pager.largest_count - end) // PAGE_SIZE)
            if depth is not None or not unseen or pages_left <= 0 or unseen < pages_left:
                break
            batch = min(self.concurrency, pages_left, -(-unseen // PAGE_SIZE) + 1)
            offsets = list(range(end, end + batch * PAGE_SIZE, PAGE_SIZE))
        unseen = [task_id for task_id in wanted if task_id not in seen]
        if unseen:
            self._find(unseen, filters, pager.largest_count if pager.requests else None, page_size, seen, deadline)
        unseen = [task_id for task_id in wanted if task_id not in seen]
        if unseen and filters.get('is_download') is None:
            self._find_downloaded(unseen, filters, page_size, seen, deadline)
        missing = [task_id for task_id in wanted if task_id not in seen]
        return Located(seen, positions, missing, pager.largest_count if pager.requests else None)

    def _find_downloaded(self, task_ids, filters, page_size, seen, deadline):
        """Add the records of task_ids among the downloaded tasks to seen.

        The service may read an absent is_download as false (the API's documented default), and then lists a
        downloaded task only when asked for is_download=true. One ID costs one request with it; several first
        read the newest page of downloaded tasks, whose count then says how to find the rest (_find).
        """
        downloaded = dict(filters, is_download=True)
        count = None
        if len(task_ids) > 1:
            order = dict(downloaded, **NEWEST_FIRST) if filters.get('sort_field') is None else downloaded
            records, count = self.list_page(order, 0, PAGE_SIZE, deadline=deadline)
            wanted = set(task_ids)
            seen.update((record['task_id'], record) for record in records if record['task_id'] in wanted)
            task_ids = [task_id for task_id in task_ids if task_id not in seen]
            if count <= len(records):
                return
        if task_ids:
            self._find(task_ids, downloaded, count, page_size, seen, deadline)

    def _find(self, task_ids, filters, count, page_size, seen, deadline):
        """Add the records of task_ids to seen: one request each with the task_id filter, or, when the count and
        the server's page size say that costs fewer requests, every page (list_all, which lists every task that
        stays in the list while it is read: one not listed is not there)."""
        if count is not None and page_size > OVERLAP \
                and -(-count // (page_size - OVERLAP)) + 1 < len(task_ids):
            wanted = set(task_ids)
            seen.update((task['task_id'], task) for task in self.list_all(filters, deadline=deadline)[0]
                        if task['task_id'] in wanted)
            return
        with contextlib.closing(in_order((lambda task_id=task_id: self.list_page(
                dict(filters, task_id=task_id), deadline=deadline)[0] for task_id in task_ids),
                self.concurrency)) as answers:
            for task_id, tasks in zip(task_ids, answers):
                seen.update((task['task_id'], task) for task in tasks if task['task_id'] == task_id)

    def get_by_ids(self, task_ids, filters=None, deadline=None):
        """The tasks with these IDs (in the order given) and the IDs not found (see locate for the cost)."""
        located = self.locate(task_ids, filters, deadline=deadline)
        found = located.records
        return [found[task_id] for task_id in dict.fromkeys(task_ids) if task_id in found], located.missing


def _remember(page, wanted, seen, positions):
    """Keep the records of wanted tasks from page: the first one seen, or a final one over a CREATING one."""
    for index, record in enumerate(page.records):
        task_id = record['task_id']
        if task_id not in wanted:
            continue
        if task_id not in seen or (seen[task_id]['status'] == 'CREATING' and record['status'] != 'CREATING'):
            seen[task_id] = record
        positions.setdefault(task_id, page.offset + index)


class TaskFollower:
    """How a wait fetches the tasks it follows, poll after poll (the Waiter's fetch strategy).

    Each poll reads the newest tasks, without a status filter, down to where the followed ones were last seen
    (new tasks only push them down, so none is skipped by another finishing), and asks for any followed task
    not seen there by its ID (ExportTaskApi.locate, which also picks the cheaper of the two). A task no
    longer found is missing.
    """

    # Records that new tasks may push the followed ones down between two polls, beyond what the count showed.
    DEPTH_MARGIN = 20

    def __init__(self, api):
        self.api = api
        self.positions = {}
        self.last_count = None
        self.growth = 0

    def fetch(self, task_ids, deadline):
        """(records by task ID, task IDs not found) for task_ids."""
        located = self.api.locate(task_ids, depth=self._depth(task_ids), deadline=deadline)
        if located.count is not None:
            self.growth = 0 if self.last_count is None else max(0, located.count - self.last_count)
            self.last_count = located.count
        self.positions = located.positions
        return located.records, located.missing

    def _depth(self, task_ids):
        """How deep the next poll reads the newest tasks: None (search) before any page was read, 0 (ask for
        each by ID) when none of the tasks was on a page, else below the deepest one, plus the tasks created
        since the poll before (they push it down) and a margin."""
        if self.last_count is None:
            return None
        placed = [self.positions[task_id] for task_id in task_ids if task_id in self.positions]
        if not placed:
            return 0
        return max(placed) + 1 + self.growth + self.DEPTH_MARGIN


def find_tasks(api, filters, task_ids=None, offset=None, limit=None, deadline=None):
    """What the module and the lookup return: (records, count, missing task IDs).

    With task_ids, the tasks with those IDs (also matching the filters); with offset or limit, that one
    page; otherwise every matching task, all pages.
    """
    if task_ids:
        tasks, missing = api.get_by_ids(task_ids, filters, deadline=deadline)
        return tasks, len(tasks), missing
    if offset is not None or limit is not None:
        tasks, count = api.list_page(filters, offset, limit, deadline=deadline)
        return tasks, count, []
    tasks, count = api.list_all(filters, deadline=deadline)
    return tasks, count, []
