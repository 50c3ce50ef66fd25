# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lookup under a real plugin loader, and a small export-task API on 127.0.0.1 that records its requests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig

COLLECTIONS_PATH = os.environ['ANSIBLE_COLLECTIONS_PATH']  # set by tests/conftest.py
PROJECT_ID = 'fedcba9876543210fedcba9876543210'

if AnsibleCollectionConfig.collection_finder is None:
    init_plugin_loader([COLLECTIONS_PATH])


def make_task(number, status='SUCCESS', **fields):
    task = dict(task_id='task-%04d' % number, file_name='export-%04d.xlsx' % number, status=status,
                fail_reason=None, error_code=None, create_time='2026-11-28T%02d:%02d:00.000Z' % (number // 60 % 24, number % 60),
                end_time=None, is_download=False)
    task.update(fields)
    return task


class ExportTaskServer:
    """Serves `tasks` like GET /v2/{project_id}/export-tasks (filters, sorting, offset/limit) and IAM projects.

    `errors` is a queue of (status, body, headers) answered before anything else.
    """

    def __init__(self):
        self.tasks = []
        self.errors = []
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                request = dict(path=parts.path, raw_query=parts.query, query=dict(parse_qsl(parts.query)),
                               headers=dict(self.headers.items()))
                server.requests.append(request)
                status, body, headers = server.errors.pop(0) if server.errors else server.answer(request)
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs=dict(poll_interval=0.05), daemon=True)
        self.thread.start()

    def answer(self, request):
        query = request['query']
        if request['path'] == '/v3/projects':
            return 200, {'projects': [{'id': PROJECT_ID, 'name': query.get('name')}]}, {}
        if request['path'] != '/v2/%s/export-tasks' % PROJECT_ID:
            return 404, {'error_code': 'TEST.404', 'error_msg': 'no such path'}, {}
        matching = [task for task in self.tasks
                    if all(str(task[name]).lower() == query[name].lower()
                           for name in ('task_id', 'file_name', 'status', 'is_download') if name in query)]
        if query.get('sort_type') == 'DESC':
            matching = matching[::-1]
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 20))
        return 200, {'export_tasks': matching[offset:offset + limit], 'count': len(matching)}, {}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def api():
    server = ExportTaskServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No credentials from the developer's shell or profile file."""
    for name in list(os.environ):
        if name.startswith(('HUAWEICLOUD_SDK_', 'HW_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(tmp_path / 'no-credentials'))


@pytest.fixture
def lookup():
    plugin = lookup_loader.get('hwcloud.workspace.export_tasks')
    assert plugin is not None, 'the plugin loader cannot find hwcloud.workspace.export_tasks'
    return plugin


@pytest.fixture
def connection(api):
    """Keywords that point the lookup at the test server."""
    return dict(endpoint=api.url, project_id=PROJECT_ID, access_key='AKTEST', secret_key='SK-super-secret',
                retries=0, timeout=5)
