# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Watching export tasks finish, poll after poll (the event source's strategy and its memory).

A poll reads the tasks created since the horizon, newest first, through the collection's Pager (its overlap
proof, and a request budget of its own here), and finds the followed tasks that are older in the list of running
tasks, then through TaskFollower.
The horizon is anchored on the watcher's own clock (the start of the last poll that worked, minus LOOKBACK),
never on a time a record claims, so no record can move it. A finished task that is not known and was created
after the horizon is new: it was created and finished between two polls.

Memory: the tasks followed (seen not final) and the finished tasks that are still within reach of a poll (created
after the horizon, or seen by the last poll), so it is bounded by what is created in LOOKBACK, however long it runs.
Every request of a poll counts against a budget: a poll that needs more fails (PollBudgetExceeded), whatever the
server claims, and the state stays as it was.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import datetime
import re
import threading
import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    CREATING,
    FINAL_STATUSES,
    NEWEST_FIRST,
    ExportTaskApi,
    TaskFollower,
    unknown_task_ids_message,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import DEFAULT_MAX_TASKS, Pager
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import escape_controls, scrub

# How far behind its own clock a poll reads: tasks that show up in the list a little after newer ones, and a
# server clock up to this much behind the watcher's.
LOOKBACK = 600.0
# List requests one poll may send: the newest tasks (two reads, see Watch), the followed ones, the downloaded ones.
POLL_REQUESTS = 100
# List requests the start may send with initial (every task) or since (the catch-up window): about 99 tasks each.
START_REQUESTS = 1000
# Followed tasks at most (seen CREATING or in a status not known yet): more is an error of the poll.
MAX_FOLLOWED = 10000
# Each wait between polls is interval times a random factor in 1 +/- JITTER.
JITTER = 0.1
# After failed polls the wait doubles each time, up to this many seconds (or interval, when it is longer).
BACKOFF_CAP = 300.0
# Polls in a row that get answers the API never gives (not JSON, malformed records) before the source stops.
BAD_ANSWERS_ALLOWED = 5
# Longest text from the server in a log line.
MAX_LOG_TEXT = 500
# yyyy-MM-ddTHH:mm:ss.SSSZ as the API documents it (its example quotes the T: 2022-03-28'T'00:00:00.000Z);
# an offset such as +08:00 or +0800 is read too.
API_TIME = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})'?[T ]'?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?"
                      r"(Z|[+-]\d{2}:?\d{2})?\Z")
DURATION = re.compile(r'\A\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*\Z')
DURATION_UNITS = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
# Fields of a record and the types they may have (None aside); task_id is checked by the list call.
RECORD_TYPES = (('status', str), ('file_name', str), ('fail_reason', str), ('error_code', str),
                ('create_time', str), ('end_time', str), ('is_download', bool))

Finished = collections.namedtuple('Finished', 'record previous_status')


class PollBudgetExceeded(WorkspaceError):
    """A poll needed more requests than its budget: the answers do not page, or claim more than can be read."""

    retryable = True


class UnpageableList(WorkspaceError):
    """The newest tasks cannot be read page after page (offset ignored, pages that never overlap)."""

    retryable = True


class MalformedTaskRecord(WorkspaceError):
    """A record whose fields do not have the documented types (a status that is a list, ...)."""


class UnknownTaskIds(WorkspaceConfigError):
    """Given task IDs that the API does not have."""


OUTAGE, BAD_ANSWER, FATAL = 'outage', 'bad answer', 'fatal'


def failure_kind(exc):
    """What a failed poll means: OUTAGE (try again, however long), BAD_ANSWER (an answer the API never gives:
    try again, stop after BAD_ANSWERS_ALLOWED in a row) or FATAL (options, refused credentials: stop)."""
    if isinstance(exc, MalformedTaskRecord) or (isinstance(exc, WorkspaceApiError) and exc.status < 300):
        return BAD_ANSWER
    if isinstance(exc, WorkspaceError) and exc.retryable:
        return OUTAGE
    return FATAL


def parse_api_time(text):
    """An API time (create_time, end_time) as seconds since the epoch, or None when it is not one."""
    match = API_TIME.match(text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    offset = datetime.timedelta(0)
    if zone and zone != 'Z':
        digits = zone[1:].replace(':', '')
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == '-' else offset
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                                 int((fraction or '0').ljust(6, '0')), tzinfo=datetime.timezone(offset)).timestamp()
    except ValueError:
        return None


def parse_since(value, now):
    """since (an ISO time like the API's, or a duration: 90, 90s, 30m, 2h, 1d, 1w) as seconds since the epoch,
    not after now; None for a zero duration (no catch-up)."""
    text = str(value).strip()
    duration = DURATION.match(text)
    if duration:
        seconds = float(duration.group(1)) * DURATION_UNITS[duration.group(2)]
        return None if seconds == 0 else now - seconds
    moment = parse_api_time(text)
    if moment is None:
        raise WorkspaceConfigError('since must be a time like 2026-11-28T09:30:00Z or a duration like 90s, 30m, 2h, '
                                   '1d, got %r' % (value,))
    return min(moment, now)


def clean_text(value, secrets, limit=None):
    """value as text without the run's secrets, with control and format characters escaped (no forged log
    line, no terminal sequence), cut to limit characters when given."""
    text = scrub(value, secrets)
    text = escape_controls(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + '...(%d characters cut)' % (len(text) - limit)
    return text


def clean_record(record, secrets):
    """A record for an event: its strings cleaned (see clean_text), the other values as they are."""
    return dict((name, clean_text(value, secrets) if isinstance(value, str) else value)
                for name, value in record.items())


def event(finished, region, project_id, secrets):
    """The event of a finished export: its record, the status it was seen in before, where it comes from, and
    a stable key (task ID and final status) for a rulebook that drops what it has seen."""
    record = clean_record(finished.record, secrets)
    return {'type': 'finished', 'key': '%s/%s' % (record['task_id'], record['status']), 'export_task': record,
            'previous_status': finished.previous_status, 'region': region, 'project_id': project_id}


def next_wait(interval, failures, rng):
    """Seconds until the next poll: interval, doubled for each failed poll in a row up to BACKOFF_CAP (or
    interval when it is longer), times a random factor in 1 +/- JITTER (rng() in [0, 1))."""
    base = interval if not failures else min(interval * 2 ** min(failures, 32), max(interval, BACKOFF_CAP))
    return base * (1 + JITTER * (2 * rng() - 1))


def check_record(record):
    """Raise MalformedTaskRecord naming the task and the field when a field has a type the API never sends."""
    for name, kind in RECORD_TYPES:
        value = record.get(name)
        if (value is not None or name == 'status') and not isinstance(value, kind) or (name == 'status' and not value):
            raise MalformedTaskRecord('export task %s has a malformed record: %s is %s, not %s'
                                      % (record['task_id'], name, type(value).__name__,
                                         'a non-empty string' if name == 'status' else kind.__name__))


def is_final(record):
    return record['status'] in FINAL_STATUSES


def _latest_per_task(records):
    """Each task once, in the order first seen, with its most advanced record (a final one over another)."""
    latest = collections.OrderedDict()
    for record in records:
        seen = latest.get(record['task_id'])
        if seen is None or not is_final(seen):
            latest[record['task_id']] = record
    return list(latest.values())


def _oldest_first(finished):
    """Finished in the order the tasks were created (the reads go newest first); unreadable times first."""
    return sorted(finished, key=lambda done: parse_api_time(done.record['create_time']) or 0.0)


class _Budget:
    """The Workspace of ExportTaskApi, counting requests: one more than allowed raises PollBudgetExceeded
    before it is sent. Thread-safe (the follower's pages go out concurrently)."""

    def __init__(self, workspace):
        self.workspace = workspace
        self.requests = 0
        self.allowed = POLL_REQUESTS
        self._lock = threading.Lock()

    @property
    def concurrency(self):
        return self.workspace.concurrency

    def url(self, name, **path_values):
        return self.workspace.url(name, **path_values)

    def reset(self, allowed):
        self.requests, self.allowed = 0, allowed

    def call(self, name, *args, **kwargs):
        with self._lock:
            if self.requests >= self.allowed:
                raise PollBudgetExceeded(
                    'a poll stopped after %d list requests, its budget: the API answers pages that do not end or '
                    'do not page (an offset ignored, a count it cannot hold, pages that never overlap)' % self.requests)
            self.requests += 1
        return self.workspace.call(name, *args, **kwargs)


class Watch:
    """Export tasks that finish, poll after poll: start() once, then poll(); both block (they send requests).

    workspace: an open _api.Workspace. filters: file_name and is_download (the API's filters). task_ids: follow
    only these. initial: the start reports every task already finished. since: a time (seconds since the epoch):
    the start reports the tasks that finished since then. clock: time.time unless a test drives it.

    When filters has no is_download, the newest tasks are read twice, with is_download=false and =true: together
    they are every task whichever way the service reads an absent is_download (it may mean false).
    A poll that raises changes nothing: the next one sees what it would have seen. A listing holds at most max_tasks
    tasks (past that it fails, naming the option).
    """

    def __init__(self, workspace, filters=None, task_ids=None, initial=False, since=None, clock=time.time,
                 lookback=LOOKBACK, max_tasks=DEFAULT_MAX_TASKS):
        self.budget = _Budget(workspace)
        self.api = ExportTaskApi(self.budget, max_tasks)
        self.follower = TaskFollower(self.api)
        self.filters = dict(filters or {})
        self.task_ids = task_ids
        self.initial = initial
        self.since = since
        self.clock = clock
        self.lookback = lookback
        self.followed = {}  # task ID -> the status it was last seen in (CREATING, or one not known yet)
        self.settled = {}  # task ID -> until when (clock) a finished task is remembered
        self.last_poll = None  # when the last poll that worked started

    @property
    def done(self):
        """With task_ids, whether every one of them has finished (or is gone)."""
        return self.task_ids is not None and self.last_poll is not None and not self.followed

    def size(self):
        """How many task IDs the watch holds."""
        return len(self.followed) + len(self.settled)

    def _reads(self):
        """The filters of the reads of the newest tasks (see the class docstring)."""
        if self.filters.get('is_download') is not None:
            return [self.filters]
        return [dict(self.filters, is_download=False), dict(self.filters, is_download=True)]

    def _newer_than(self, horizon):
        """The tasks created at or after horizon (and the rest of the page that reaches it), newest first."""
        def before_horizon(page):
            created = parse_api_time(page.records[-1]['create_time']) if page.records else None
            return created is None or created < horizon

        def unpageable(detail):
            return UnpageableList('GET %s: the newest tasks cannot be read: %s'
                                  % (self.budget.url('ListExportTasks'), detail))

        records = []
        for filters in self._reads():
            # One page at a time: a poll usually needs one, and reads none beyond the horizon.
            pager = Pager(lambda offset, limit, filters=filters: self.api.list_page(
                dict(filters, **NEWEST_FIRST), offset, limit), 1, unpageable)
            records += pager.read_all(stop=before_horizon)[0]
        return records

    def _by_ids(self, task_ids, filters):
        """(records, IDs not found): a downloaded task is looked for again with is_download=true, as the
        service may leave it out when is_download is not sent."""
        records, missing = self.api.get_by_ids(task_ids, filters)
        if missing and filters.get('is_download') is None:
            found, missing = self.api.get_by_ids(missing, dict(filters, is_download=True))
            records += found
        return records, missing

    def _checked(self, records):
        records = _latest_per_task(records)
        for record in records:
            check_record(record)
        return records

    def start(self):
        """The state at start; returns what the start reports (previous_status None)."""
        now = self.clock()
        self.budget.reset(START_REQUESTS if self.initial or self.since is not None else POLL_REQUESTS)
        horizon = now - self.lookback
        if self.task_ids is not None:
            records, missing = self._by_ids(self.task_ids, self.filters)
            if missing:
                raise UnknownTaskIds(unknown_task_ids_message(
                    missing, ' (or not matching file_name/is_download)' if self.filters else ''))
        elif self.initial:
            records = [record for filters in self._reads() for record in self.api.list_all(filters)[0]]
        else:
            read_from = horizon if self.since is None else min(horizon, self.since - self.lookback)
            records = self.api.list_all(dict(self.filters, status=CREATING))[0] + self._newer_than(read_from)
        records = self._checked(records)
        self._follow_at_most(len([record for record in records if not is_final(record)]))
        reported = []
        for record in records:
            if not is_final(record):
                self.followed[record['task_id']] = record['status']
                continue
            if self.initial or (self.since is not None and self._finished_since(record)):
                reported.append(Finished(record, None))
            self._settle(record, horizon, now, seen=False)
        self.last_poll = now
        return _oldest_first(reported)

    def _finished_since(self, record):
        ended = parse_api_time(record['end_time'])
        ended = parse_api_time(record['create_time']) if ended is None else ended
        return ended is not None and ended >= self.since

    def _settle(self, record, horizon, now, seen=True):
        """Remember a finished task while a poll can still see it: created after the horizon (a creation time
        ahead of the clock counts as now plus LOOKBACK), or seen by this poll."""
        created = parse_api_time(record['create_time'])
        keep = None if created is None else min(created, now + self.lookback)
        if seen:
            keep = now if keep is None else max(keep, now)
        if keep is not None and keep >= horizon:
            self.settled[record['task_id']] = max(keep, self.settled.get(record['task_id'], keep))

    def _follow_at_most(self, more):
        if len(self.followed) + more > MAX_FOLLOWED:
            raise MalformedTaskRecord('more than %d export tasks are running at once: the answers are not believable'
                                      % MAX_FOLLOWED)

    def poll(self):
        """One poll: (the exports that finished, as Finished, the followed task IDs that are gone)."""
        now = self.clock()
        horizon = self.last_poll - self.lookback
        self.budget.reset(POLL_REQUESTS)
        gone = []
        if self.task_ids is not None:
            records, gone = self._by_ids(sorted(self.followed), self.filters)
        else:
            records = self._newer_than(horizon)
            unseen = set(self.followed) - set(record['task_id'] for record in records)
            if unseen:
                # Running tasks older than the horizon: the list of the running ones (usually a page), then, for
                # those not on it (they finished, or are in a status not known yet), TaskFollower by ID.
                running = self.api.list_all(dict(self.filters, status=CREATING))[0]
                records += running
                unseen -= set(record['task_id'] for record in running)
            if unseen:
                found, gone = self.follower.fetch(sorted(unseen), None)
                records += list(found.values())
                if gone and self.filters.get('is_download') is None:
                    found, gone = self._by_ids(gone, dict(self.filters, is_download=True))
                    records += found
        records = self._checked(records)
        self._follow_at_most(len([record for record in records if not is_final(record)]))
        finished = []
        for record in records:
            task_id = record['task_id']
            if task_id in self.settled:
                self._settle(record, horizon, now)  # seen again: a task reported once is never reported again
            elif not is_final(record):
                self.followed[task_id] = record['status']
            elif task_id in self.followed:
                finished.append(Finished(record, self.followed.pop(task_id)))
                self._settle(record, horizon, now)
            else:
                created = parse_api_time(record['create_time'])
                if created is not None and created >= horizon:
                    finished.append(Finished(record, CREATING))  # created and finished between two polls
                    self._settle(record, horizon, now)
        for task_id in gone:
            self.followed.pop(task_id, None)
        self.last_poll = now
        forget = now - self.lookback
        self.settled = dict((task_id, keep) for task_id, keep in self.settled.items() if keep >= forget)
        return _oldest_first(finished), gone
