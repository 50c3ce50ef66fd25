# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: a real HTTP server on 127.0.0.1 whose answers a test scripts, and which records every request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class Answer:
    def __init__(self, status=200, body=None, headers=None, raw=None, drop=False, delay=0):
        self.delay = delay
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.drop = drop


class ScriptedServer:
    """Answers GET and POST from a queue of Answer objects, then from `default` (a callable taking the request).

    By default it serves `tasks` like GET /v2/{project_id}/export-tasks (filters, sorting, offset/limit),
    and IAM's project list; a test may change `tasks` between requests.
    """

    def __init__(self, project_id='proj'):
        self.requests = []
        self.queue = []
        self.tasks = []
        self.project_id = project_id
        self.default = self.serve_tasks
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.serve('GET')

            def do_POST(self):
                self.serve('POST')

            def serve(self, method):
                parts = urlsplit(self.path)
                length = int(self.headers.get('Content-Length') or 0)
                request = dict(method=method, path=parts.path, raw_query=parts.query,
                               query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                               headers=dict(self.headers.items()), client_port=self.client_address[1],
                               body=self.rfile.read(length) if length else b'')
                server.requests.append(request)
                answer = server.queue.pop(0) if server.queue else server.default(request)
                time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if 'Content-Type' not in answer.headers:
                        self.send_header('Content-Type', 'application/json')
                    if 'Content-Length' not in answer.headers:  # a test may announce more than it sends
                        self.send_header('Content-Length', str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up first (a read time-out test)

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.02}, daemon=True)
        self.thread.start()

    def serve_tasks(self, request):
        if request['path'] == '/v3/projects':
            return Answer(200, {'projects': [{'id': self.project_id, 'name': request['query'].get('name')}]})
        if request['path'] != '/v2/%s/export-tasks' % self.project_id:
            return Answer(404, {'error_code': 'TEST.404', 'error_msg': 'no such path'})
        query = request['query']
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 20))
        matching = [t for t in self.tasks if all(str(t.get(k)).lower() == v.lower() for k, v in query.items()
                                                 if k in ('status', 'task_id', 'file_name', 'is_download'))]
        if query.get('sort_type') == 'DESC':
            matching = matching[::-1]
        return Answer(200, {'export_tasks': matching[offset:offset + limit], 'count': len(matching)})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_task(number, status='SUCCESS', **fields):
    task = dict(task_id='task-%04d' % number, file_name='export-%04d.xlsx' % number, status=status,
                fail_reason=None, error_code=None, create_time='2026-11-28T09:%02d:%02d.000Z' % (number // 60 % 60, number % 60),
                end_time=None, is_download=False)
    task.update(fields)
    return task
