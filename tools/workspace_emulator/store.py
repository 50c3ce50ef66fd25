# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Export tasks, their life cycle, and the list query of GET /v2/{project_id}/export-tasks."""

import datetime
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
SEED_ONLY_FIELDS = ('finish_after', 'final_status', 'expire_after')
_INTEGER = re.compile(r'^-?[0-9]+$')
_ONE_MS = datetime.timedelta(milliseconds=1)


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


def _optional_text(task, field):
    value = task.get(field)
    if value is not None and not isinstance(value, str):
        raise SeedError('%s must be a string, got %r' % (field, value))
    return value


class ExportTask:
    """One task; its status is computed from the monotonic clock whenever it is read."""

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
        self.finish_after = _seconds(spec, 'finish_after')
        self.expire_after = _seconds(spec, 'expire_after')
        self.fail_reason = _optional_text(spec, 'fail_reason')
        self.error_code = _optional_text(spec, 'error_code')
        self.is_download = spec.get('is_download', False)
        if not isinstance(self.is_download, bool):
            raise SeedError('is_download must be true or false, got %r' % (self.is_download,))
        create_time = _optional_text(spec, 'create_time')
        self.create_time = _truncate_to_ms(parse_time(create_time, 'create_time') if create_time else default_create_time)
        self.create_time_text = format_time(self.create_time)  # formatted once: lists of thousands are answered often
        end_time = _optional_text(spec, 'end_time')
        self.seeded_end_time = _truncate_to_ms(parse_time(end_time, 'end_time')) if end_time else None

        self.initial_status = spec.get('status') or ('CREATING' if self.finish_after is not None else 'SUCCESS')
        if self.initial_status not in STATUSES:
            raise SeedError('status must be one of %s, got %r' % (', '.join(STATUSES), self.initial_status))
        if self.finish_after is not None and self.initial_status != 'CREATING':
            raise SeedError('finish_after needs status CREATING (or no status), got %r' % (self.initial_status,))
        self.final_status = spec.get('final_status', 'SUCCESS')
        if self.final_status not in FINAL_STATUSES:
            raise SeedError('final_status must be one of %s, got %r' % (', '.join(FINAL_STATUSES), self.final_status))

    def _finished_after(self):
        """Seconds after being added at which the task is finished, or None while it stays CREATING."""
        if self.initial_status == 'CREATING':
            return self.finish_after
        return 0.0

    def record(self, now_mono):
        """The API's ExportTaskItem as of now_mono."""
        elapsed = now_mono - self.added_mono
        finished_after = self._finished_after()
        if finished_after is None or elapsed < finished_after:
            status = 'CREATING'
        elif self.expire_after is not None and elapsed >= finished_after + self.expire_after:
            status = 'EXPIRED'
        elif self.initial_status == 'CREATING':
            status = self.final_status
        else:
            status = self.initial_status
        failed = status == 'FAIL' or (status == 'EXPIRED' and self._failed_before_expiry())
        end_time = None
        if status != 'CREATING':
            end_time = self.seeded_end_time or _truncate_to_ms(self.added_wall + datetime.timedelta(seconds=finished_after))
        return {
            'task_id': self.task_id,
            'file_name': self.file_name,
            'status': status,
            'fail_reason': (self.fail_reason or DEFAULT_FAIL_REASON) if failed else None,
            'error_code': (self.error_code or DEFAULT_FAIL_ERROR_CODE) if failed else None,
            'create_time': self.create_time_text,
            'end_time': format_time(end_time) if end_time else None,
            'is_download': self.is_download,
        }

    def _failed_before_expiry(self):
        # An expired task keeps the failure it ended with, so its history stays readable.
        return self.initial_status == 'FAIL' or (self.initial_status == 'CREATING' and self.final_status == 'FAIL')

    def sort_key(self):
        return (self.create_time, self.task_id)


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
        if self.sort_type is not None and self.sort_field is None:
            raise QueryError('sort_type must be used together with sort_field (allowed: %s)' % ', '.join(SORT_FIELDS))
        self.offset = _integer(values, 'offset', 0, 0)
        self.limit = _integer(values, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT)

    def matches(self, record):
        return ((self.file_name is None or record['file_name'] == self.file_name)
                and (self.task_id is None or record['task_id'] == self.task_id)
                and (self.status is None or record['status'] == self.status)
                and (self.is_download is None or record['is_download'] == self.is_download))


class TaskStore:
    """Thread-safe set of export tasks."""

    def __init__(self, clock=time.monotonic, wall_clock=None):
        self._clock = clock
        self._wall_clock = wall_clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._lock = threading.Lock()
        self._tasks = []
        self._last_default_create_time = None

    def add(self, specs):
        """Add tasks in the seed format, all or none; finish_after/expire_after count from now. Returns their records."""
        if not isinstance(specs, list):
            raise SeedError('tasks must be a JSON list of task objects')
        with self._lock:
            now_mono, now_wall = self._clock(), self._wall_clock()
            known_ids = set(task.task_id for task in self._tasks)
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
                if task.task_id in known_ids:
                    raise SeedError('task #%d: task_id %r already exists' % (index, task.task_id))
                if not spec.get('create_time'):
                    last_default = default_create_time
                known_ids.add(task.task_id)
                created.append(task)
            # Kept in creation order, so that a listing does not sort thousands of tasks each time.
            self._tasks = sorted(self._tasks + created, key=ExportTask.sort_key)
            self._last_default_create_time = last_default
            return [task.record(now_mono) for task in created]

    def records(self):
        """Every task, in creation order, as of now."""
        with self._lock:
            tasks = self._tasks
        now_mono = self._clock()
        return [task.record(now_mono) for task in tasks]

    def list(self, query):
        """The API's answer to a ListQuery: the requested page and the count of all matching tasks."""
        matching = [record for record in self.records() if query.matches(record)]
        if query.sort_type == 'DESC':
            matching.reverse()
        return {'export_tasks': matching[query.offset:query.offset + query.limit], 'count': len(matching)}
