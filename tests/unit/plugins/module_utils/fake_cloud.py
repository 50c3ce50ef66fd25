# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-process export-task API for property tests: it honours offset, limit, status, task_id and the
sort, and lets a test change the task list between any two requests (tasks finishing, new tasks,
deleted tasks), with a small random latency so that concurrent pages interleave differently."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import threading
import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi


class FakeConnection:
    def __init__(self, concurrency):
        self.endpoint = 'http://127.0.0.1:1'
        self.project_id = 'proj'
        self.concurrency = concurrency


class FakeCloud:
    """The server side: tasks in creation order; `before_request(cloud, number)` may change them."""

    def __init__(self, tasks=(), page_cap=100, before_request=None, latency=0.0, seed=0):
        self.tasks = [dict(task) for task in tasks]
        self.page_cap = page_cap
        self.before_request = before_request
        self.latency = latency
        self.rng = random.Random(seed)
        self.requests = []
        self.lock = threading.Lock()
        self.created = len(self.tasks)

    def add(self, status='CREATING'):
        """A new task, the newest of all."""
        self.created += 1
        task = dict(task_id='new-%05d' % self.created, file_name='f%d.xlsx' % self.created, status=status,
                    fail_reason=None, error_code=None, create_time='%012d' % self.created, end_time=None,
                    is_download=False)
        self.tasks.append(task)
        return task

    def status_of(self, task_id):
        for task in self.tasks:
            if task['task_id'] == task_id:
                return task['status']
        return None

    def answer(self, params):
        query = dict(params)
        with self.lock:
            number = len(self.requests)
            self.requests.append(query)
            if self.before_request:
                self.before_request(self, number)
            matching = [dict(task) for task in self.tasks
                        if all(query.get(name) in (None, task[name]) for name in ('status', 'task_id'))]
            if query.get('sort_type') == 'DESC':
                matching.reverse()
            offset = int(query.get('offset', 0))
            limit = min(int(query.get('limit', 20)), self.page_cap)
            page = matching[offset:offset + limit]
            delay = self.rng.uniform(0, self.latency)
        if delay:
            time.sleep(delay)
        return {'export_tasks': page, 'count': len(matching)}


class FakeClient:
    """Stands where WorkspaceClient does: request over the fake cloud."""

    def __init__(self, cloud, concurrency=8):
        self.cloud = cloud
        self.connection = FakeConnection(concurrency)
        self.deadlines = []

    def request(self, method, base_url, path, params=(), body=None, project_id=None, idempotent=None, deadline=None):
        self.deadlines.append(deadline)
        return self.cloud.answer(params)


def fake_api(cloud, concurrency=8):
    """ExportTaskApi over the fake cloud (project proj), and its FakeClient."""
    client = FakeClient(cloud, concurrency)
    return ExportTaskApi(Workspace(client, 'proj')), client


def make_tasks(count, status='CREATING', prefix='task'):
    return [dict(task_id='%s-%05d' % (prefix, number), file_name='%s-%d.xlsx' % (prefix, number), status=status,
                 fail_reason=None, error_code=None, create_time='%012d' % number, end_time=None, is_download=False)
            for number in range(count)]
