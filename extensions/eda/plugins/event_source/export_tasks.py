# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hwcloud.workspace.export_tasks: an ansible-rulebook event source that puts an event on the queue when a
Huawei Cloud Workspace export task finishes (see DOCUMENTATION)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Events when Huawei Cloud Workspace export tasks finish
description:
  - An ansible-rulebook event source plugin that polls the export tasks of a Workspace project
    (C(GET /v2/{project_id}/export-tasks)) and puts one event on the queue for each export that finishes,
    so that a rulebook can download the file when it is ready, or page someone when an export fails.
  - "An event is C({type: finished, export_task: <record>, previous_status: CREATING}): the record has exactly the
    API's fields (C(task_id), C(file_name), C(status), C(fail_reason), C(error_code), C(create_time), C(end_time),
    C(is_download)) and C(status) is C(SUCCESS), C(FAIL) or C(EXPIRED)."
  - Each export is reported once, when it leaves C(CREATING). That covers a task seen C(CREATING) at an earlier poll
    and a task created after the source started that finished between two polls (it was C(CREATING) in between).
    A later change of a finished task (C(SUCCESS) to C(EXPIRED)) is not reported.
  - Tasks that are already finished when the source starts are reported only with O(initial=true), with
    C(previous_status) null. The first successful poll is the start.
  - Memory stays bounded however long it runs. The source keeps the IDs of the tasks it saw C(CREATING) until they
    finish, and the IDs of the tasks created in the last ten minutes of C(create_time) before the newest one it saw,
    which is how it tells a new finished task from one it reported before. It never keeps the tasks it reported.
  - A transient error (a connection failure, HTTP 429 or 5xx, after the connection's own O(retries)) is logged as a
    warning and the next poll tries again; nothing is lost, as the state is kept. Invalid options, credentials that
    are refused (HTTP 401 or 403) and any other error stop the source with a message that names the problem and
    never holds a secret.
  - The HTTP requests run in a worker thread, never in the event loop.
  - Needs the Python libraries C(ansible-core) and C(requests) where ansible-rulebook runs, and the collection
    installed where ansible-rulebook finds it (ANSIBLE_COLLECTIONS_PATH).
options:
  interval:
    description:
      - Seconds between two polls. A finite number more than 0.
    type: float
    default: 30
  initial:
    description:
      - Whether to report, at start, the tasks that are already finished (with C(previous_status) null).
    type: bool
    default: false
  task_ids:
    description:
      - Watch only these export tasks. An ID that does not exist at start stops the source, naming it.
      - The source ends when every one of them has finished (or disappeared); ansible-rulebook then shuts down
        once the running actions are done.
      - When not set, every task that matches O(file_name) and O(is_download) is watched, and the source never ends.
    type: list
    elements: str
  status:
    description:
      - Report only exports that finish in these statuses. The tasks are watched whatever their status.
    type: list
    elements: str
    choices: [SUCCESS, FAIL, EXPIRED]
    default: [SUCCESS, FAIL, EXPIRED]
  file_name:
    description:
      - Watch only the tasks with this file name (the API's C(file_name) filter, an exact match).
    type: str
  is_download:
    description:
      - Watch only the tasks whose file was (V(true)) or was not (V(false)) downloaded (the API's C(is_download)
        filter). A watched task that stops matching, or is deleted, before it finishes is dropped with a log line.
    type: bool
  access_key:
    description:
      - Access key ID (AK) for C(SDK-HMAC-SHA256) request signing, used together with O(secret_key).
      - If not set, the environment variable E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) is used (the first one set),
        then the official SDK's profile file C(~/.huaweicloud/credentials), as for the collection's modules.
    type: str
  secret_key:
    description:
      - Secret access key (SK). If not set, E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY).
      - Prefer the environment of ansible-rulebook to a value in the rulebook.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials. If not set, E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or
        E(HW_SECURITY_TOKEN).
    type: str
  auth_token:
    description:
      - IAM token, sent as C(X-Auth-Token) instead of signing. If not set, E(HW_AUTH_TOKEN).
    type: str
  region:
    description:
      - Region name, for example V(cn-north-4). If not set, E(HUAWEICLOUD_SDK_REGION) or E(HW_REGION_NAME).
    type: str
  project_id:
    description:
      - Project ID; looked up in IAM by O(region) when not set. If not set, E(HUAWEICLOUD_SDK_PROJECT_ID) or
        E(HW_PROJECT_ID).
    type: str
  endpoint:
    description:
      - URL of the Workspace API, default C(https://workspace.<region>.myhuaweicloud.com). If not set,
        E(HW_WORKSPACE_ENDPOINT).
    type: str
  iam_endpoint:
    description:
      - URL of IAM, default C(https://iam.<region>.myhuaweicloud.com). If not set, E(HUAWEICLOUD_SDK_IAM_ENDPOINT)
        or E(HW_IAM_ENDPOINT).
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file for the endpoints. If not set, E(HUAWEICLOUD_SDK_CA_PATH) or E(HW_CA_PATH).
    type: str
  timeout:
    description:
      - Seconds that each HTTP attempt may take.
    type: float
    default: 30
  retries:
    description:
      - Attempts after a throttled (429), 5xx or failed request, within one poll.
    type: int
    default: 4
  concurrency:
    description:
      - Requests of one poll in flight at once, from 1 to 32.
    type: int
    default: 8
'''

EXAMPLES = r'''
# Credentials and region from the environment of ansible-rulebook (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK,
# HUAWEICLOUD_SDK_REGION), never in the rulebook.
- name: React to finished Workspace exports
  hosts: localhost
  sources:
    - name: exports
      hwcloud.workspace.export_tasks:
        interval: 30
  rules:
    - name: Download every file that is ready
      condition: event.export_task.status == "SUCCESS"
      action:
        run_playbook:
          name: hwcloud.workspace.download_export
          extra_vars:
            export_task_id: "{{ event.export_task.task_id }}"
            export_dest: /srv/exports
    - name: Report a failed export
      condition: event.export_task.status == "FAIL"
      action:
        debug:
          msg: "Export {{ event.export_task.task_id }} failed: {{ event.export_task.fail_reason }}"

# Only given tasks, also when they finished before the source started; the source ends when all have finished.
- name: Wait for two exports
  hosts: localhost
  sources:
    - hwcloud.workspace.export_tasks:
        task_ids:
          - 2b0c6f3e0d5a4a499a4c4c2e8d1c7a10
          - 9f1e3c2a6b7d4e8fa0b1c2d3e4f5a6b7
        initial: true
        interval: 10
  rules:
    - name: Show each
      condition: event.type == "finished"
      action:
        print_event:
'''

import asyncio
import datetime
import importlib
import logging
import math
import os
import re
import sys

SOURCE = 'hwcloud.workspace.export_tasks'
logger = logging.getLogger(SOURCE)

CREATING = 'CREATING'
FINAL_STATUSES = ('SUCCESS', 'FAIL', 'EXPIRED')
SOURCE_OPTIONS = ('interval', 'initial', 'task_ids', 'status', 'file_name', 'is_download')
DEFAULT_INTERVAL = 30.0
# How far behind the newest create_time seen a task is still remembered. A finished task newer than that which
# the source does not know is new (created and finished between two polls); one older is one it has seen before.
# The margin covers tasks created in the same millisecond and tasks that show up in the list a little later
# than tasks created after them; memory is what is created in that much time, not what was ever seen.
CREATE_TIME_LOOKBACK = datetime.timedelta(minutes=10)
# yyyy-MM-ddTHH:mm:ss.SSSZ as the API documents it (its example quotes the T: 2022-03-28'T'00:00:00.000Z);
# an offset such as +08:00 or +0800 is read too.
CREATE_TIME = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})'?[T ]'?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?"
                         r"(Z|[+-]\d{2}:?\d{2})?\Z")
TRUE_WORDS = ('true', 'yes', 'on', '1')
FALSE_WORDS = ('false', 'no', 'off', '0')


class ExportTaskSourceError(Exception):
    """Stops the source: options that cannot work, refused credentials, an error that trying again will not fix."""


def _collections_root():
    """The folder holding the ansible_collections/ tree that this file is part of, or None.

    ansible-rulebook runs the file by its path (runpy), so the collection is not importable by itself.
    """
    parts = os.path.abspath(__file__).split(os.sep)
    # <root>/ansible_collections/hwcloud/workspace/extensions/eda/plugins/event_source/export_tasks.py
    if len(parts) > 8 and parts[-8] == 'ansible_collections':
        return os.sep.join(parts[:-8])
    return None


def _make_collection_importable():
    try:
        importlib.import_module('ansible_collections.hwcloud.workspace.plugins.module_utils')
        return
    except ImportError:
        root = _collections_root()
    if root is None:
        raise ImportError('%s cannot import the collection hwcloud.workspace: install the collection '
                          '(ansible-galaxy collection install) and name the source by its FQCN' % SOURCE)
    sys.path.append(root)
    importlib.invalidate_caches()


_make_collection_importable()

# The collection's module_utils: only _Workspace below uses them, so that a change there is adapted in one place.
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace, project_id_of  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import (  # noqa: E402
    CONNECTION_ENV,
    connection_argument_spec,
    resolve_connection,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (  # noqa: E402
    ExportTaskApi,
    validate_query,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import PAGE_SIZE  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values  # noqa: E402


class _Workspace:
    """The list API through the collection's client: the connection, the calls a poll makes, and its errors.

    Blocking: every method that sends requests runs in a worker thread.
    """

    CONNECTION_OPTIONS = tuple(connection_argument_spec())

    @staticmethod
    def with_environment(options, environ):
        """options with each connection option that is not set taken from its environment variables (the first
        one set wins), as the modules and the lookup do."""
        merged = dict(options)
        for name, variables in CONNECTION_ENV.items():
            if merged.get(name) is None:
                merged[name] = next((environ[variable] for variable in variables if environ.get(variable)), None)
        return merged

    @staticmethod
    def secrets(options):
        """The secret values in options (a mapping, or the resolved connection)."""
        return secret_values(options)

    @staticmethod
    def mask(text, secrets):
        return scrub(text, secrets)

    @staticmethod
    def check_filters(filters):
        validate_query(filters)

    def __init__(self, options, environ):
        """Resolves and checks the connection (raises WorkspaceConfigError naming the option); sends nothing.
        environ: for the SDK's profile file, read when options give no credentials."""
        self.connection = resolve_connection(options, environ)
        self.warnings = list(self.connection.warnings)
        self._client = None
        self._api = None

    def open(self):
        self._client = WorkspaceClient(self.connection)

    def _tasks(self):
        """The list API of the connection's project, resolved on first use: in a poll's worker thread, where an
        IAM outage is a transient failure like any other."""
        if self._api is None:
            self._api = ExportTaskApi(Workspace(self._client, project_id_of(self._client)))
        return self._api

    def close(self):
        if self._client is not None:
            self._client.close()

    def newest_first(self, filters, offset):
        """One page of the tasks, newest first: (records, count)."""
        return self._tasks().list_page(dict(filters, sort_field='create_time', sort_type='DESC'), offset, PAGE_SIZE)

    def every_task(self, filters):
        return self._tasks().list_all(filters)[0]

    def by_ids(self, task_ids, filters):
        """(records, IDs not found)."""
        return self._tasks().get_by_ids(task_ids, filters)

    @staticmethod
    def failure(exc):
        """(message, retryable) for an exception of a poll or of the configuration."""
        if isinstance(exc, WorkspaceError):
            return str(exc), exc.retryable
        return 'Unexpected error (%s): %s' % (type(exc).__name__, exc), False


def _created(record):
    """The task's create_time as an aware datetime, or None when it is missing or not a time."""
    match = CREATE_TIME.match(str(record.get('create_time') or ''))
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
                                 int((fraction or '0').ljust(6, '0')), tzinfo=datetime.timezone(offset))
    except ValueError:
        return None


class TransitionTracker:
    """What the source remembers between polls, and which records are exports that just finished.

    creating: IDs of the tasks seen CREATING and not seen finished since (the only tasks followed by ID).
    recent: task ID -> create_time of the tasks created at most CREATE_TIME_LOOKBACK before the newest create_time
    seen. A finished task that is in neither and is that recent is new: it was created after the last poll (or
    shortly before it, but not listed yet) and finished before this one. A finished task older than that is one
    the source saw at an earlier poll, or at start, and is never reported again; so a reported task can be
    forgotten as soon as it falls behind that horizon, and memory does not grow with the tasks seen.

    A record without a readable create_time cannot be placed: it is reported only after being seen CREATING.
    """

    def __init__(self, lookback=CREATE_TIME_LOOKBACK):
        self.lookback = lookback
        self.creating = set()
        self.recent = {}
        self.newest = None

    def horizon(self):
        """Tasks created before this are not remembered (None: every task is, no task has been seen yet)."""
        return None if self.newest is None else self.newest - self.lookback

    def size(self):
        """How many task IDs the source holds."""
        return len(self.creating) + len(self.recent)

    def start(self, records):
        """The state at start; returns the records that are already finished (reported with initial=true)."""
        finished = []
        for record in _latest_per_task(records):
            if record['status'] == CREATING:
                self.creating.add(record['task_id'])
            else:
                finished.append(record)
        self._advance(records)
        return finished

    def update(self, records, gone=()):
        """One poll's records (and the followed IDs the API no longer has); returns the finished exports."""
        horizon = self.horizon()  # fixed for the whole poll: a newer task seen in it must not hide an older one
        finished = []
        for record in _latest_per_task(records):
            task_id, status, created = record['task_id'], record['status'], _created(record)
            if task_id in self.creating:
                if status != CREATING:
                    self.creating.discard(task_id)
                    finished.append(record)
            elif status == CREATING:
                self.creating.add(task_id)
            elif task_id not in self.recent and created is not None and (horizon is None or created >= horizon):
                finished.append(record)
        self.creating.difference_update(gone)
        self._advance(records)
        return finished

    def _advance(self, records):
        """Remember the tasks of records, move the horizon to the newest create_time seen, forget what falls behind."""
        placed = [(record['task_id'], _created(record)) for record in records]
        placed = [(task_id, created) for task_id, created in placed if created is not None]
        if placed:
            newest = max(created for task_id, created in placed)
            if self.newest is None or newest > self.newest:
                self.newest = newest
        self.recent.update(placed)
        horizon = self.horizon()
        if horizon is not None:
            self.recent = dict((task_id, created) for task_id, created in self.recent.items() if created >= horizon)


def _latest_per_task(records):
    """Each task once, in the order first seen, with its most advanced record (a final one over a CREATING one)."""
    latest = {}
    for record in records:
        seen = latest.get(record['task_id'])
        if seen is None or seen['status'] == CREATING:
            latest[record['task_id']] = record
    return list(latest.values())


def _boolean(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ExportTaskSourceError('%s must be a boolean (true or false), got %r' % (name, value))


def _interval(value):
    seconds = float('nan')
    if not isinstance(value, bool):  # float(True) would be 1 second
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            pass
    if not math.isfinite(seconds) or seconds <= 0:
        raise ExportTaskSourceError('interval must be a finite number of seconds more than 0, got %r' % (value,))
    return seconds


def _strings(name, value):
    """value as a list of non-empty strings (a single string is a list of one)."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or \
            not all(isinstance(item, str) and item.strip() for item in values):
        raise ExportTaskSourceError('%s must be a non-empty list of non-empty strings, got %r' % (name, value))
    return [item.strip() for item in values]


def _statuses(value):
    statuses = _strings('status', value)
    wrong = [status for status in statuses if status not in FINAL_STATUSES]
    if wrong:
        hint = ' (a task is reported when it leaves CREATING)' if CREATING in wrong else ''
        raise ExportTaskSourceError('status may hold only %s, got %s%s'
                                    % (', '.join(FINAL_STATUSES), ', '.join(repr(item) for item in wrong), hint))
    return frozenset(statuses)


class ExportTaskSource:
    """The event source: options checked at construction, before any request; then run(queue) polls.

    environ (default os.environ) fills the connection options that are not given; sleep (default asyncio.sleep)
    waits between polls. tracker is the state kept between polls.
    """

    def __init__(self, args, environ=None, sleep=asyncio.sleep):
        environ = os.environ if environ is None else environ
        if not isinstance(args, dict):
            raise ExportTaskSourceError('%s: the arguments must be a mapping of options, got %s'
                                        % (SOURCE, type(args).__name__))
        # ansible-rulebook adds arguments of its own (eda_feedback_queue) to the rulebook's.
        given = dict((name, value) for name, value in args.items() if not str(name).startswith('eda_'))
        connection = _Workspace.with_environment(
            dict((name, given.get(name)) for name in _Workspace.CONNECTION_OPTIONS), environ)
        self._secrets = _Workspace.secrets(connection)
        self._sleep = sleep
        self._failures = 0
        self.tracker = TransitionTracker()
        try:
            self._read_options(given)
            if connection['validate_certs'] is not None:
                connection['validate_certs'] = _boolean('validate_certs', connection['validate_certs'])
            self._workspace = _Workspace(connection, environ)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise self._stop(exc) from None
        # The SDK's profile file may have given the credentials.
        self._secrets = sorted(set(self._secrets) | set(_Workspace.secrets(self._workspace.connection)),
                               key=len, reverse=True)
        for warning in self._workspace.warnings:
            logger.warning('%s: %s', SOURCE, self._mask(warning))

    def _read_options(self, given):
        known = SOURCE_OPTIONS + _Workspace.CONNECTION_OPTIONS
        unknown = sorted(str(name) for name in set(given) - set(known))
        if unknown:
            raise ExportTaskSourceError('unknown option(s) %s; the options are %s'
                                        % (', '.join(unknown), ', '.join(sorted(known))))
        self.interval = _interval(DEFAULT_INTERVAL if given.get('interval') is None else given['interval'])
        self.initial = given.get('initial') is not None and _boolean('initial', given['initial'])
        self.task_ids = None
        if given.get('task_ids') is not None:
            self.task_ids = list(dict.fromkeys(_strings('task_ids', given['task_ids'])))
        self.statuses = frozenset(FINAL_STATUSES) if given.get('status') is None else _statuses(given['status'])
        self.filters = {}
        if given.get('file_name') is not None:
            if not isinstance(given['file_name'], str) or not given['file_name']:
                raise ExportTaskSourceError('file_name must be a non-empty string, got %r' % (given['file_name'],))
            self.filters['file_name'] = given['file_name']
        if given.get('is_download') is not None:
            self.filters['is_download'] = _boolean('is_download', given['is_download'])
        _Workspace.check_filters(self.filters)

    def _mask(self, text):
        return _Workspace.mask(text, self._secrets)

    def _stop(self, exc):
        """The error that stops the source, for exc: its message with the secrets masked, naming the source."""
        message = str(exc) if isinstance(exc, ExportTaskSourceError) else _Workspace.failure(exc)[0]
        return ExportTaskSourceError('%s: %s' % (SOURCE, self._mask(message)))

    async def run(self, queue):
        try:
            self._workspace.open()
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise self._stop(exc) from None
        try:
            started = await self._call(self._fetch_start)
            while started is None:
                await self._sleep(self.interval)
                started = await self._call(self._fetch_start)
            for record in self.tracker.start(started):
                if self.initial:
                    await self._report(queue, record, None)
            while not self._all_given_tasks_done():
                await self._sleep(self.interval)
                polled = await self._call(self._fetch_poll)
                if polled is None:
                    continue
                records, gone = polled
                for task_id in gone:
                    logger.warning('%s: export task %s is gone (deleted, or no longer matching the filters) before '
                                   'it finished; no longer watched', SOURCE, task_id)
                for record in self.tracker.update(records, gone):
                    await self._report(queue, record, CREATING)
        finally:
            self._workspace.close()

    def _all_given_tasks_done(self):
        return self.task_ids is not None and not self.tracker.creating

    async def _report(self, queue, record, previous_status):
        if record['status'] in self.statuses:
            await queue.put({'type': 'finished', 'export_task': record, 'previous_status': previous_status})

    async def _call(self, fetch):
        """fetch() in a worker thread; None after a transient failure, which is logged (the next poll tries again)."""
        try:
            result = await asyncio.to_thread(fetch)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            message, retryable = _Workspace.failure(exc)
            if isinstance(exc, ExportTaskSourceError) or not retryable:
                raise self._stop(exc) from None
            self._failures += 1
            logger.warning('%s: polling failed (%d time(s) in a row), trying again in %g s: %s',
                           SOURCE, self._failures, self.interval, self._mask(message))
            return None
        if self._failures:
            logger.warning('%s: polling works again after %d failure(s)', SOURCE, self._failures)
            self._failures = 0
        return result

    def _fetch_start(self):
        """The records at start (blocking). Given task IDs that do not exist stop the source."""
        if self.task_ids is None:
            return self._workspace.every_task(self.filters)
        records, missing = self._workspace.by_ids(self.task_ids, self.filters)
        if missing:
            raise ExportTaskSourceError('unknown export task ID(s)%s: %s' % (
                ' (or not matching file_name/is_download)' if self.filters else '', ', '.join(missing)))
        return records

    def _fetch_poll(self):
        """(records, followed task IDs that are gone) of one poll (blocking); it reads the tracker, never changes it,
        so that a poll that fails half-way loses nothing.

        The tasks created at or after the horizon, newest first (usually one page); then, for followed tasks older
        than that, the CREATING ones; then, for followed tasks in neither, their records by ID.
        """
        followed = set(self.tracker.creating)
        if self.task_ids is not None:
            return self._workspace.by_ids(sorted(followed), self.filters)
        records = self._newer_than(self.tracker.horizon())
        unseen = followed - set(record['task_id'] for record in records)
        if unseen:
            creating = self._workspace.every_task(dict(self.filters, status=CREATING))
            records += creating
            unseen -= set(record['task_id'] for record in creating)
        gone = []
        if unseen:
            found, gone = self._workspace.by_ids(sorted(unseen), self.filters)
            records += found
        return records, gone

    def _newer_than(self, horizon):
        """Records of the tasks created at or after horizon (every task when it is None), oldest first."""
        records, offset = [], 0
        while True:
            page, count = self._workspace.newest_first(self.filters, offset)
            records += page
            offset += len(page)
            if not page or offset >= count:
                break
            oldest = _created(page[-1])
            if horizon is not None and (oldest is None or oldest < horizon):
                break
        records.reverse()
        return records


async def main(queue, args):
    """ansible-rulebook's entry point: puts an event on queue for each export task that finishes."""
    await ExportTaskSource(args).run(queue)
