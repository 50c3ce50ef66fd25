# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""hwcloud.workspace.export_tasks: an ansible-rulebook event source that puts an event on the queue when a
Huawei Cloud Workspace export task finishes (see DOCUMENTATION). The polling and what it remembers are
module_utils/_watch.py; the options and the connection, module_utils/_session.py."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Events when Huawei Cloud Workspace export tasks finish
description:
  - An ansible-rulebook event source plugin that polls the export tasks of a Workspace project
    (C(GET /v2/{project_id}/export-tasks)) and puts one event on the queue for each export that finishes,
    so that a rulebook can download the file when it is ready, or page someone when an export fails.
  - "An event is C({type: finished, key: <task_id>/<status>, export_task: <record>, previous_status: CREATING,
    region: <region>, project_id: <project_id>}): the record has exactly the API's fields (C(task_id), C(file_name),
    C(status), C(fail_reason), C(error_code), C(create_time), C(end_time), C(is_download)) and C(status) is
    C(SUCCESS), C(FAIL) or C(EXPIRED). C(key) is stable across restarts, for a rulebook that drops duplicates.
    C(region) is null when only O(endpoint) names the service. Strings in the record are cleaned of the run's
    secrets and of control characters."
  - Within a run each export is reported exactly once, when it leaves C(CREATING) (or a status the source does
    not know, which it follows like C(CREATING)), whatever later records of that task say. That covers a task
    seen running at an earlier poll and a task created and finished between two polls.
  - Across restarts, at least once with O(since) covering the time the source was down; without it, an export
    that finished while the source was down is not reported.
  - The start reads only the running tasks and the tasks created in the last ten minutes (or since O(since)),
    so its requests do not grow with the project's size. O(initial=true) reads every task instead.
  - A poll reads the tasks created since ten minutes before the previous poll that worked (by the source's own
    clock, which no record can move), newest first, usually one request for each of C(is_download=false) and
    C(is_download=true), and the running tasks older than that. It sends at most 100 list requests (1000 at a
    start with O(initial) or O(since)); an API whose pages do not end or do not page fails that poll.
  - A failed poll (a connection failure, HTTP 429 or 5xx after the connection's own O(retries), pages that do not
    page) is logged as a warning and tried again after O(interval), doubled after each failure in a row up to
    five minutes. The state is kept, so nothing is lost. Answers that the API never gives (not JSON, malformed
    records) are handled the same, but five polls in a row of them stop the source. Invalid options, credentials
    that are refused (HTTP 401 or 403) and any other error stop the source with a message that names the problem
    and never holds a secret.
  - Each wait between polls is O(interval) plus or minus up to 10 % at random, so that sources started together
    spread out.
  - The HTTP requests run in a worker thread, never in the event loop.
  - Needs the Python libraries C(ansible-core) and C(requests) where ansible-rulebook runs, and the collection
    installed where ansible-rulebook finds it (ANSIBLE_COLLECTIONS_PATH).
options:
  interval:
    description:
      - Seconds between two polls (each wait varies by up to 10 % at random). A finite number more than 0.
    type: float
    default: 30
  initial:
    description:
      - Whether to report, at start, every task that is already finished (with C(previous_status) null). The start
        then reads every task of the project.
      - Mutually exclusive with O(since).
    type: bool
    default: false
  since:
    description:
      - Catch up at start, for a restarted source. Reports once, with C(previous_status) null, every export that
        finished (by C(end_time)) since this time, and none that finished before it.
      - A time like the API's (V(2026-11-28T09:30:00Z)) or a duration before the start (V(90), V(90s), V(30m),
        V(2h), V(1d), V(1w)). V(0) catches up nothing.
      - An export reported before the restart and finished within O(since) is reported again (at least once across
        restarts); use the event's C(key) to drop such duplicates. An export that ran more than ten minutes longer
        than O(since) before finishing within it is not read.
      - Mutually exclusive with O(initial) and O(task_ids).
    type: str
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
        filter). A running task is followed by its ID until it finishes, also when it stops matching; one that is
        deleted before it finishes is dropped with a log line.
    type: bool
  max_tasks:
    description:
      - The most export tasks that one listing of matching tasks may hold (the start with O(initial) or O(since),
        and each poll), from 1 to 1000000. When the API counts more, or sends more than that, the source stops with
        an error that names this option, instead of reading on, so memory stays bounded whatever the service claims.
    type: int
    default: 100000
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
    type: path
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
        # After a restart, report what finished in the last two hours (again, if it was reported before).
        since: 2h
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
          msg: "Export {{ event.export_task.task_id }} in {{ event.region }} failed: {{ event.export_task.fail_reason }}"

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
import importlib
import logging
import os
import random
import sys
import time

SOURCE = 'hwcloud.workspace.export_tasks'
logger = logging.getLogger(SOURCE)


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

from ansible_collections.hwcloud.workspace.plugins.module_utils import _session, _watch  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import (  # noqa: E402
    CONNECTION_ENV,
    SECRET_OPTIONS,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import MAX_TASKS_ARG_SPEC, check_max_tasks  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import secret_values  # noqa: E402
from ansible_collections.hwcloud.workspace.plugins.module_utils._time_values import check_seconds  # noqa: E402

DEFAULT_INTERVAL = 30.0
# The source's own options (the connection's come from _session); DOCUMENTATION describes each.
OPTIONS = dict(
    interval=dict(type='float', default=DEFAULT_INTERVAL),
    initial=dict(type='bool', default=False),
    since=dict(type='str'),
    task_ids=dict(type='list', elements='str'),
    status=dict(type='list', elements='str', choices=list(_watch.FINAL_STATUSES),
                default=list(_watch.FINAL_STATUSES)),
    file_name=dict(type='str'),
    is_download=dict(type='bool'),
    **MAX_TASKS_ARG_SPEC
)
RULES = dict(mutually_exclusive=[['initial', 'since'], ['task_ids', 'since']])


class ExportTaskSource:
    """The event source: options checked at construction, before any request; then run(queue) polls.

    environ (default os.environ) fills the connection options that are not given; sleep (asyncio.sleep), clock
    (time.time) and rng (random.random) are for tests to drive. watch is the state kept between polls.
    """

    def __init__(self, args, environ=None, sleep=asyncio.sleep, clock=time.time, rng=random.random):
        environ = os.environ if environ is None else environ
        if not isinstance(args, dict):
            raise ExportTaskSourceError('%s: the arguments must be a mapping of options, got %s'
                                        % (SOURCE, type(args).__name__))
        # ansible-rulebook adds arguments of its own (eda_feedback_queue) to the rulebook's.
        given = dict((name, value) for name, value in args.items() if not str(name).startswith('eda_'))
        spec = _session.argument_spec(OPTIONS, environ)
        self._secrets = _secrets_of(given, environ)
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self.watch = None
        try:
            params = _session.validate(spec, given, **RULES)
            self.interval = check_seconds('interval', params['interval'])
            self.max_tasks = check_max_tasks(params['max_tasks'])
            self.statuses = frozenset(params['status'])
            self.task_ids = None if params['task_ids'] is None else list(dict.fromkeys(
                _non_empty('task_ids', params['task_ids'])))
            self.since = None if params['since'] is None else _watch.parse_since(params['since'], clock())
            self.initial = params['initial']
            self.filters = dict((name, params[name]) for name in ('file_name', 'is_download')
                                if params[name] is not None)
            if params['file_name'] is not None:
                _non_empty('file_name', [params['file_name']])
            self.connection = _session.resolve(params, self._warn, environ)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise self._stop(exc) from None
        # The SDK's profile file may have given the credentials.
        self._secrets = sorted(set(self._secrets) | set(secret_values(self.connection)), key=len, reverse=True)

    def _warn(self, text):
        logger.warning('%s: %s', SOURCE, _watch.clean_text(text, self._secrets, _watch.MAX_LOG_TEXT))

    def _stop(self, exc):
        """The error that stops the source, for exc: its message cleaned (secrets, control characters, length)."""
        message = str(exc) if isinstance(exc, (ExportTaskSourceError, WorkspaceError)) else \
            'Unexpected error (%s): %s' % (type(exc).__name__, exc)
        return ExportTaskSourceError('%s: %s' % (SOURCE, _watch.clean_text(message, self._secrets,
                                                                           _watch.MAX_LOG_TEXT)))

    async def run(self, queue):
        workspace = None
        failures = bad_answers = 0
        try:
            while True:
                try:
                    if workspace is None:
                        # In a worker thread: the IAM look-up of the project is a request like any other.
                        workspace = await asyncio.to_thread(_session.open_session, self.connection)
                        self.watch = _watch.Watch(workspace, self.filters, self.task_ids, self.initial, self.since,
                                                  self._clock, max_tasks=self.max_tasks)
                    if self.watch.last_poll is None:
                        finished = await asyncio.to_thread(self.watch.start)
                    else:
                        finished, gone = await asyncio.to_thread(self.watch.poll)
                        for task_id in gone:
                            self._warn('export task %s is gone (deleted, or no longer matching the filters) before '
                                       'it finished; no longer watched' % task_id)
                except Exception as exc:  # pylint: disable=broad-exception-caught
                    kind = _watch.failure_kind(exc)
                    bad_answers = bad_answers + 1 if kind == _watch.BAD_ANSWER else 0
                    if kind == _watch.FATAL or bad_answers >= _watch.BAD_ANSWERS_ALLOWED:
                        raise self._stop(exc) from None
                    failures += 1
                    wait = _watch.next_wait(self.interval, failures, self._rng)
                    self._warn('polling failed (%d time(s) in a row), trying again in %.3g s: %s'
                               % (failures, wait, exc))
                    await self._sleep(wait)
                    continue
                if failures:
                    self._warn('polling works again after %d failure(s)' % failures)
                    failures = bad_answers = 0
                for done in finished:
                    if done.record['status'] in self.statuses:
                        await queue.put(_watch.event(done, self.connection.region, workspace.project_id,
                                                     self._secrets))
                if self.watch.done:
                    return
                await self._sleep(_watch.next_wait(self.interval, 0, self._rng))
        finally:
            if workspace is not None:
                workspace.close()


def _secrets_of(given, environ):
    """The secrets of the options given and of their environment variables, before anything is checked."""
    candidates = dict(given)
    for name in SECRET_OPTIONS:
        for number, variable in enumerate(CONNECTION_ENV[name]):
            candidates['environment%d_%s' % (number, name)] = environ.get(variable)
    return secret_values(candidates)


def _non_empty(option, values):
    if not values or not all(value.strip() for value in values):
        raise ExportTaskSourceError('%s must hold non-empty strings, got %r' % (option, values))
    return [value.strip() for value in values]


async def main(queue, args):
    """ansible-rulebook's entry point: puts an event on queue for each export task that finishes."""
    await ExportTaskSource(args).run(queue)
