# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Export tasks, their life cycle, and the list query of GET /v2/{project_id}/export-tasks."""

import bisect
import datetime
import heapq
import itertools
import json
import random
import re
import threading
import time
import uuid

STATUSES = ('CREATING', 'SUCCESS', 'FAIL', 'EXPIRED')
FINAL_STATUSES = ('SUCCESS', 'FAIL')
SORT_FIELDS = ('create_time',)
SORT_TYPES = ('ASC', 'DESC')
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

DEFAULT_FAIL_REASON = 'Failed to export the data.'
DEFAULT_FAIL_ERROR_CODE = 'WKS.00010001'
INVALID_PARAMETER = 'WKS.00000001'

TASK_FIELDS = ('task_id', 'file_name', 'status', 'fail_reason', 'error_code', 'create_time', 'end_time', 'is_download')
SEED_ONLY_FIELDS = ('finish_after', 'finish_after_listings', 'final_status', 'expire_after', 'file_size')
_INTEGER = re.compile(r'^-?[0-9]+$')
_ONE_MS = datetime.timedelta(milliseconds=1)
# Tasks created by churn are due to finish, but late enough that only churn finishes them in a test.
CHURN_FINISH_AFTER = 3600.0


class SeedError(ValueError):
    """A task in the seed format is not valid; the message says which field and why."""


class QueryError(ValueError):
    """An invalid query parameter: answered with 400 and this message."""


def format_time(moment):
    """yyyy-MM-ddTHH:mm:ss.SSSZ, as the API gives times."""
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def parse_time(text, field):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise SeedError('%s must be a time like 2026-11-28T17:34:24.123Z, got %r' % (field, text)) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def _truncate_to_ms(moment):
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _seconds(task, field):
    value = task.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise SeedError('%s must be a number of seconds >= 0, got %r' % (field, value))
    return float(value)


def _listings(task, field):
    value = task.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SeedError('%s must be a whole number of list answers >= 1, got %r' % (field, value))
    return value


def _optional_text(task, field):
    value = task.get(field)
    if value is not None and not isinstance(value, str):
        raise SeedError('%s must be a string, got %r' % (field, value))
    return value


class ExportTask:
    """One task. Its status follows the monotonic clock: CREATING until finish_at, then its outcome, EXPIRED from expire_at.
    A task with listings_left finishes instead when the last of that many list answers showing it has been made.

    The current record (and its JSON) is cached by the store and recomputed only when the status changes.
    """

    def __init__(self, spec, added_wall, added_mono, default_create_time):
        if not isinstance(spec, dict):
            raise SeedError('a task must be a JSON object, got %r' % (spec,))
        unknown = sorted(set(spec) - set(TASK_FIELDS) - set(SEED_ONLY_FIELDS))
        if unknown:
            raise SeedError('unknown task field(s) %s; allowed: %s' % (', '.join(unknown), ', '.join(TASK_FIELDS + SEED_ONLY_FIELDS)))
        self.task_id = _optional_text(spec, 'task_id') or uuid.uuid4().hex
        self.file_name = _optional_text(spec, 'file_name') or 'export_%s.xlsx' % self.task_id[:8]
        self.added_wall = added_wall
        self.added_mono = added_mono
        finish_after = _seconds(spec, 'finish_after')
        finish_after_listings = _listings(spec, 'finish_after_listings')
        if finish_after is not None and finish_after_listings is not None:
            raise SeedError('finish_after and finish_after_listings do not go together')
        self.expire_after = _seconds(spec, 'expire_after')
        self.fail_reason = _optional_text(spec, 'fail_reason')
        self.error_code = _optional_text(spec, 'error_code')
        self.is_download = spec.get('is_download', False)
        if not isinstance(self.is_download, bool):
            raise SeedError('is_download must be true or false, got %r' % (self.is_download,))
        self.file_size = spec.get('file_size')
        if self.file_size is not None and (isinstance(self.file_size, bool) or not isinstance(self.file_size, int) or self.file_size < 0):
            raise SeedError('file_size must be a whole number of bytes >= 0, got %r' % (self.file_size,))
        create_time = _optional_text(spec, 'create_time')
        self.create_time = _truncate_to_ms(parse_time(create_time, 'create_time') if create_time else default_create_time)
        self.create_time_text = format_time(self.create_time)
        end_time = _optional_text(spec, 'end_time')
        self.seeded_end_time = _truncate_to_ms(parse_time(end_time, 'end_time')) if end_time else None

        finishes_later = finish_after is not None or finish_after_listings is not None
        initial_status = spec.get('status') or ('CREATING' if finishes_later else 'SUCCESS')
        if initial_status not in STATUSES:
            raise SeedError('status must be one of %s, got %r' % (', '.join(STATUSES), initial_status))
        if finishes_later and initial_status != 'CREATING':
            raise SeedError('%s needs status CREATING (or no status), got %r' % (
                'finish_after' if finish_after is not None else 'finish_after_listings', initial_status))
        final_status = spec.get('final_status', 'SUCCESS')
        if final_status not in FINAL_STATUSES:
            raise SeedError('final_status must be one of %s, got %r' % (', '.join(FINAL_STATUSES), final_status))
        self.listings_left = finish_after_listings  # list answers that still show it CREATING, or None
        if initial_status == 'CREATING':
            # None: CREATING until listed often enough, or for ever (unless finished through the admin API).
            self.finish_at = None if finish_after is None else added_mono + finish_after
            self.outcome = final_status
        else:
            self.finish_at = added_mono
            self.outcome = initial_status
        self.kind = None  # the export operation that started it, for tasks started through the API
        self.parameters = None  # and the parameters it read from that request
        self.key = (self.create_time, self.task_id)  # the list order
        self.status = None  # of the cached record
        self.record = None
        self.json = None
        self.scheduled_at = None

    @property
    def expire_at(self):
        if self.finish_at is None or self.expire_after is None:
            return None
        return self.finish_at + self.expire_after

    def status_at(self, now_mono):
        if self.finish_at is None or now_mono < self.finish_at:
            return 'CREATING'
        expire_at = self.expire_at
        if expire_at is not None and now_mono >= expire_at:
            return 'EXPIRED'
        return self.outcome

    def next_change(self, now_mono):
        """The monotonic time of the next status change after now_mono, or None."""
        for moment in (self.finish_at, self.expire_at):
            if moment is not None and moment > now_mono:
                return moment
        return None

    def finishable(self, now_mono):
        """CREATING, but due to finish some day: what churn and early finishing may bring forward."""
        return self.listings_left is not None or (self.finish_at is not None and now_mono < self.finish_at)

    def finish(self, now_mono, outcome, fail_reason=None, error_code=None):
        self.finish_at = now_mono
        self.listings_left = None
        self.outcome = outcome
        if fail_reason is not None:
            self.fail_reason = fail_reason
        if error_code is not None:
            self.error_code = error_code

    def compute_record(self, now_mono):
        """The API's ExportTaskItem as of now_mono (cached by the store in self.record and self.json)."""
        status = self.status_at(now_mono)
        failed = status == 'FAIL' or (status == 'EXPIRED' and self.outcome == 'FAIL')
        end_time = None
        if status != 'CREATING':
            end_time = self.seeded_end_time or _truncate_to_ms(self.added_wall + datetime.timedelta(seconds=self.finish_at - self.added_mono))
        self.record = {
            'task_id': self.task_id,
            'file_name': self.file_name,
            'status': status,
            'fail_reason': (self.fail_reason or DEFAULT_FAIL_REASON) if failed else None,
            'error_code': (self.error_code or DEFAULT_FAIL_ERROR_CODE) if failed else None,
            'create_time': self.create_time_text,
            'end_time': format_time(end_time) if end_time else None,
            'is_download': self.is_download,
        }
        self.json = json.dumps(self.record).encode('utf-8')
        self.status = status
        return self.record

    def sort_key(self):
        return self.key


def _single_values(raw_pairs):
    values = {}
    for name, value in raw_pairs:
        if name in values:
            raise QueryError('query parameter %s is given more than once' % name)
        values[name] = value
    return values


def _integer(values, name, default, minimum, maximum=None):
    text = values.get(name)
    if text is None:
        return default
    allowed = 'an integer from %d to %d' % (minimum, maximum) if maximum is not None else 'an integer >= %d' % minimum
    if not _INTEGER.match(text):
        raise QueryError('%s must be %s, got %r' % (name, allowed, text))
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        raise QueryError('%s must be %s, got %r' % (name, allowed, text))
    return number


def _choice(values, name, choices):
    text = values.get(name)
    if text is not None and text not in choices:
        raise QueryError('%s must be one of %s, got %r' % (name, ', '.join(choices), text))
    return text


class ListQuery:
    """The validated query parameters of the list API."""

    def __init__(self, raw_pairs):
        values = _single_values(raw_pairs)
        self.file_name = values.get('file_name')
        self.task_id = values.get('task_id')
        self.status = _choice(values, 'status', STATUSES)
        is_download = _choice(values, 'is_download', ('true', 'false'))
        self.is_download = None if is_download is None else is_download == 'true'
        self.sort_field = _choice(values, 'sort_field', SORT_FIELDS)
        self.sort_type = _choice(values, 'sort_type', SORT_TYPES)
        if (self.sort_type is None) != (self.sort_field is None):
            raise QueryError('sort_field and sort_type must be used together (sort_field: %s; sort_type: %s)'
                             % (', '.join(SORT_FIELDS), ', '.join(SORT_TYPES)))
        self.offset = _integer(values, 'offset', 0, 0)
        self.limit = _integer(values, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT)

    def matches(self, record):
        return ((self.file_name is None or record['file_name'] == self.file_name)
                and (self.task_id is None or record['task_id'] == self.task_id)
                and (self.status is None or record['status'] == self.status)
                and (self.is_download is None or record['is_download'] == self.is_download))


class TaskStore:
    """Thread-safe set of export tasks, kept in creation order, with each record computed once per status change.

    A listing of 10,000 tasks must cost the server well under 2 ms per page: records and their JSON are cached on the
    tasks, status changes are taken from a heap of due times, and filtered views are built once per change of data.
    """

    def __init__(self, clock=time.monotonic, wall_clock=None):
        self._clock = clock
        self._wall_clock = wall_clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._lock = threading.Lock()
        self._tasks = []  # sorted by ExportTask.sort_key
        self._by_id = {}
        self._due = []  # heap of (monotonic time, sequence, task): the next status change of each task
        self._sequence = itertools.count()
        self._by_status = dict((status, []) for status in STATUSES)  # sorted like _tasks: status filters need no scan
        self._views = {}  # other filter keys -> tasks matching them, dropped when their membership may change
        self._last_default_create_time = None

    # Must be called with the lock held.

    def _schedule(self, task, now_mono):
        task.scheduled_at = task.next_change(now_mono)
        if task.scheduled_at is not None:
            heapq.heappush(self._due, (task.scheduled_at, next(self._sequence), task))

    def _refresh(self, now_mono):
        """Recompute the records of tasks whose status changed since the last call."""
        while self._due and self._due[0][0] <= now_mono:
            moment, _, task = heapq.heappop(self._due)
            if moment != task.scheduled_at or self._by_id.get(task.task_id) is not task:
                continue  # superseded: finished early, or deleted
            self._updated(task, now_mono)

    def _updated(self, task, now_mono, is_download_changed=False):
        """Recompute a task's record after its status may have changed; keep the indexes and views right."""
        old_status = task.status
        task.compute_record(now_mono)
        self._schedule(task, now_mono)
        if task.status != old_status:
            if old_status is not None:
                tasks = self._by_status[old_status]
                del tasks[bisect.bisect_left(tasks, task.key, key=ExportTask.sort_key)]
            bisect.insort(self._by_status[task.status], task, key=ExportTask.sort_key)
            self._drop_views(lambda key: key[2] is not None)
        if is_download_changed:
            self._drop_views(lambda key: key[3] is not None)

    def _drop_views(self, affected):
        for key in [key for key in self._views if affected(key)]:
            del self._views[key]

    def _insert(self, specs, now_mono, now_wall):
        if not isinstance(specs, list):
            raise SeedError('tasks must be a JSON list of task objects')
        known_ids = set()
        last_default = self._last_default_create_time
        created = []
        for index, spec in enumerate(specs):
            # Tasks without create_time get distinct, increasing milliseconds, so creation order is the sort order.
            default_create_time = _truncate_to_ms(now_wall)
            if last_default is not None and default_create_time <= last_default:
                default_create_time = last_default + _ONE_MS
            try:
                task = ExportTask(spec, now_wall, now_mono, default_create_time)
            except SeedError as error:
                raise SeedError('task #%d: %s' % (index, error)) from None
            if task.task_id in self._by_id or task.task_id in known_ids:
                raise SeedError('task #%d: task_id %r already exists' % (index, task.task_id))
            if not spec.get('create_time'):
                last_default = default_create_time
            known_ids.add(task.task_id)
            created.append(task)
        for task in created:
            bisect.insort(self._tasks, task, key=ExportTask.sort_key)  # new tasks usually go at the end: cheap
            self._by_id[task.task_id] = task
            self._updated(task, now_mono)
        if created:
            self._views = {}
        self._last_default_create_time = last_default
        return created

    # Public, thread-safe.

    def add(self, specs):
        """Add tasks in the seed format, all or none; finish_after/expire_after count from now. Returns their records."""
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            return [dict(task.record) for task in self._insert(specs, now_mono, self._wall_clock())]

    def start(self, spec, kind, parameters):
        """Add one task started by an export operation with these parameters (as read); returns the task."""
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            task = self._insert([spec], now_mono, self._wall_clock())[0]
            task.kind = kind
            task.parameters = parameters
            return task

    def starts(self):
        """The tasks started through the API, in creation order: their kind and the parameters read from the request."""
        with self._lock:
            return [{'task_id': task.task_id, 'kind': task.kind, 'parameters': task.parameters} for task in self._tasks if task.kind]

    def records(self):
        """Every task, in creation order, as of now."""
        with self._lock:
            self._refresh(self._clock())
            return [dict(task.record) for task in self._tasks]

    def get(self, task_id):
        """(task, its current record) or (None, None)."""
        with self._lock:
            self._refresh(self._clock())
            task = self._by_id.get(task_id)
            return (task, dict(task.record)) if task is not None else (None, None)

    def mark_downloaded(self, task_id):
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            task = self._by_id.get(task_id)
            if task is not None and not task.is_download:
                task.is_download = True
                self._updated(task, now_mono, is_download_changed=True)

    def delete(self, task_ids, all_or_none=False):
        """Delete the tasks with these IDs; returns the IDs that do not exist (with all_or_none, then none is deleted)."""
        with self._lock:
            unknown = [task_id for task_id in task_ids if task_id not in self._by_id]
            if unknown and all_or_none:
                return unknown
            deleted = set(task_ids) - set(unknown)
            if deleted:
                for task_id in deleted:
                    del self._by_id[task_id]
                self._tasks = [task for task in self._tasks if task.task_id not in deleted]
                self._by_status = dict((status, [task for task in tasks if task.task_id not in deleted]) for status, tasks in self._by_status.items())
                self._views = {}
            return unknown

    def finish(self, task_ids, outcome, fail_reason=None, error_code=None):
        """Finish these CREATING tasks now with outcome (SUCCESS or FAIL); returns their records. Unknown or finished: SeedError."""
        if outcome not in FINAL_STATUSES:
            raise SeedError('status must be one of %s, got %r' % (', '.join(FINAL_STATUSES), outcome))
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            tasks = []
            for task_id in task_ids:
                task = self._by_id.get(task_id)
                if task is None:
                    raise SeedError('no task %r' % (task_id,))
                if task.status_at(now_mono) != 'CREATING':
                    raise SeedError('task %r is %s, not CREATING' % (task_id, task.record['status']))
                tasks.append(task)
            for task in tasks:
                task.finish(now_mono, outcome, fail_reason, error_code)
                self._updated(task, now_mono)
            return [dict(task.record) for task in tasks]

    def churn(self, finish=0, create=0, order='oldest', finish_after=None, rng=random):
        """Finish `finish` CREATING tasks that are due to finish (oldest first, or at random) and create `create` new
        CREATING tasks (finishing after `finish_after` seconds, by default never unless churned)."""
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            if finish:
                candidates = [task for task in self._by_status['CREATING'] if task.finishable(now_mono)]
                chosen = candidates[:finish] if order == 'oldest' else rng.sample(candidates, min(finish, len(candidates)))
                for task in chosen:
                    task.finish(now_mono, task.outcome)
                    self._updated(task, now_mono)
            if create:
                spec = {'status': 'CREATING', 'finish_after': CHURN_FINISH_AFTER if finish_after is None else finish_after}
                self._insert([dict(spec) for _ in range(create)], now_mono, self._wall_clock())

    def page(self, query, offset=None):
        """The JSON of the requested page's records (a list of bytes) and the count of every matching task.

        offset: overrides query.offset (the ignore_offset fault).
        """
        offset = query.offset if offset is None else offset
        with self._lock:
            now_mono = self._clock()
            self._refresh(now_mono)
            view = self._matching(query)
            count = len(view)
            if query.sort_type == 'DESC':
                stop = max(count - offset, 0)
                page = view[max(stop - query.limit, 0):stop][::-1]
            else:
                page = view[offset:offset + query.limit]
            records = [task.json for task in page]
            self._count_listing(page, now_mono)
            return records, count

    def _count_listing(self, tasks, now_mono):
        """These tasks are in a list answer: those to finish after that many answers finish once it is made (it
        still shows them CREATING)."""
        for task in tasks:
            if task.listings_left is not None:
                task.listings_left -= 1
                if not task.listings_left:
                    task.finish(now_mono, task.outcome)
                    self._updated(task, now_mono)

    def _matching(self, query):
        """The tasks that match the query's filters, in creation order (an index or a cached view: do not change it)."""
        if query.task_id is not None:
            task = self._by_id.get(query.task_id)
            return [task] if task is not None and query.matches(task.record) else []
        candidates = self._tasks if query.status is None else self._by_status[query.status]
        if query.file_name is None and query.is_download is None:
            return candidates
        key = (query.file_name, None, query.status, query.is_download)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = [task for task in candidates if (query.file_name is None or task.file_name == query.file_name)
                                       and (query.is_download is None or task.is_download == query.is_download)]
        return view
