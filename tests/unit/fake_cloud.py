# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit tests' one fake of the Workspace API (the end-to-end tests use the emulator, tools/workspace_emulator).

FakeCloud is the export-task list of one project. In process, FakeClient stands where WorkspaceClient does and
asks it directly (fake_api: property tests that need thousands of requests and a simulated clock). Over HTTP,
ScriptedServer serves it on 127.0.0.1 (or 127.0.0.2, "another host") to a real WorkspaceClient, and bends its
answers the ways a hostile network does, from a queue of scripted Answers: drop the connection before or in the
middle of a body, trickle a body, stall, lie about Content-Length or send no length at all.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import socket
import struct
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import Workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi

# The list API's filters that the fake honours (exact match, booleans in any case).
FILTERED = ('status', 'task_id', 'file_name', 'is_download')


class Answer:
    """One scripted answer.

    drop: close the connection without answering. delay: seconds before answering.
    cut: send only this many bytes of the body, then reset the connection.
    trickle: seconds between the bytes of the body. stall: seconds to wait after the headers.
    chunked: send the body with Transfer-Encoding: chunked (no Content-Length).
    content_length: the Content-Length to announce instead of the body's (None: the body's).
    generate: a number of bytes of body to stream (chunked) instead of body/raw, without holding them.
    pace: (bytes, seconds): send the body that many bytes at a time, sleeping between the pieces.
    """

    def __init__(self, status=200, body=None, headers=None, raw=None, drop=False, delay=0, cut=None, trickle=0,
                 stall=0, chunked=False, content_length=None, generate=None, pace=None):
        self.delay = delay
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.drop = drop
        self.cut = cut
        self.trickle = trickle
        self.stall = stall
        self.chunked = chunked
        self.content_length = content_length
        self.generate = generate
        self.pace = pace


def _reset(connection):
    """Close with a TCP reset (SO_LINGER 0), as a crashing peer or a middlebox does."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    connection.close()


class ScriptedServer:
    """Answers from a queue of Answer objects, then from `default` (a callable taking the request).

    By default it serves its FakeCloud (`cloud`, whose tasks are `tasks`) as GET /v2/{project_id}/export-tasks,
    and IAM's project list; a test may change `tasks` between requests. Each request is recorded in
    `requests` when it arrives, before it is answered. host may be 127.0.0.2 for "another host"; port 0
    picks a free one; ssl_context (a server-side context) makes it an HTTPS server.
    """

    def __init__(self, project_id='proj', host='127.0.0.1', port=0, ssl_context=None):
        self.requests = []
        self.queue = []
        self.cloud = FakeCloud()
        self.project_id = project_id
        self.default = self.serve_tasks
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.handle_request()

            def do_POST(self):
                self.handle_request()

            def do_DELETE(self):
                self.handle_request()

            def handle_request(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get('Content-Length') or 0)
                request = dict(method=self.command, path=parts.path, raw_query=parts.query,
                               query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                               headers=dict(self.headers.items()), client_port=self.client_address[1],
                               body=self.rfile.read(length) if length else b'')
                server.requests.append(request)
                answer = server.queue.pop(0) if server.queue else server.default(request)
                time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                try:
                    self.answer(answer)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up first (a time-out test)

            def answer(self, answer):
                if answer.generate is not None:
                    payload = None
                elif answer.raw is not None:
                    payload = answer.raw
                else:
                    payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if 'Content-Type' not in answer.headers:  # a download answers with its file's type
                    self.send_header('Content-Type', 'application/json')
                if answer.chunked or payload is None:
                    self.send_header('Transfer-Encoding', 'chunked')
                else:
                    self.send_header('Content-Length', str(len(payload) if answer.content_length is None
                                                           else answer.content_length))
                self.end_headers()
                self.wfile.flush()
                time.sleep(answer.stall)
                if payload is None:
                    self.stream_generated(answer.generate)
                elif answer.chunked:
                    self.write_chunked(payload, answer.cut)
                else:
                    self.write_plain(payload, answer)

            def write_plain(self, payload, answer):
                if answer.cut is not None:
                    self.wfile.write(payload[:answer.cut])
                    self.wfile.flush()
                    self.close_connection = True
                    _reset(self.connection)
                elif answer.pace:
                    size, seconds = answer.pace
                    for start in range(0, len(payload), size):
                        self.wfile.write(payload[start:start + size])
                        self.wfile.flush()
                        time.sleep(seconds)
                elif answer.trickle:
                    for index in range(len(payload)):
                        self.wfile.write(payload[index:index + 1])
                        self.wfile.flush()
                        time.sleep(answer.trickle)
                else:
                    self.wfile.write(payload)

            def write_chunked(self, payload, cut):
                sent = payload if cut is None else payload[:cut]
                if sent:
                    self.wfile.write(b'%x\r\n%s\r\n' % (len(sent), sent))
                    self.wfile.flush()
                if cut is not None:
                    self.close_connection = True
                    _reset(self.connection)
                    return
                self.wfile.write(b'0\r\n\r\n')

            def stream_generated(self, size):
                block = b'x' * 65536
                while size > 0:
                    piece = block[:size]
                    self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece))
                    size -= len(piece)
                self.wfile.write(b'0\r\n\r\n')

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.url = '%s://%s:%d' % ('https' if ssl_context is not None else 'http', host, self.port)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.02}, daemon=True)
        self.thread.start()

    @property
    def tasks(self):
        return self.cloud.tasks

    @tasks.setter
    def tasks(self, tasks):
        self.cloud.tasks = tasks

    def serve_tasks(self, request):
        if request['path'] == '/v3/projects':
            return Answer(200, {'projects': [{'id': self.project_id, 'name': request['query'].get('name')}]})
        if request['path'] != '/v2/%s/export-tasks' % self.project_id:
            return Answer(404, {'error_code': 'TEST.404', 'error_msg': 'no such path'})
        return Answer(200, self.cloud.answer(list(request['query'].items())))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class MemorySink:
    """A download sink (WorkspaceClient.download) that keeps the bytes; restarts counts the attempts' starts."""

    def __init__(self):
        self.data = bytearray()
        self.restarts = 0

    def restart(self):
        self.data = bytearray()
        self.restarts += 1

    def write(self, chunk):
        self.data += chunk


def make_task(number, status='SUCCESS', **fields):
    task = dict(task_id='task-%04d' % number, file_name='export-%04d.xlsx' % number, status=status,
                fail_reason=None, error_code=None, create_time='2026-11-28T09:%02d:%02d.000Z' % (number // 60 % 60, number % 60),
                end_time=None, is_download=False)
    task.update(fields)
    return task


class FakeConnection:
    def __init__(self, concurrency):
        self.endpoint = 'http://127.0.0.1:1'
        self.project_id = 'proj'
        self.concurrency = concurrency


class FakeCloud:
    """The export-task list of one project: tasks in creation order, the API's filters, sort and offset/limit, a
    page cap, and `before_request(cloud, number)`, which may change the tasks before any request is answered.
    answer(params) is what ListExportTasks answers; a test may replace it to bend the answers. hide_downloaded:
    an absent is_download means false (the other reading of the API's default), as the emulator's switch."""

    def __init__(self, tasks=(), page_cap=100, before_request=None, latency=0.0, seed=0, hide_downloaded=False):
        self.tasks = [dict(task) for task in tasks]
        self.hide_downloaded = hide_downloaded
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
            matching = [dict(task) for task in self.tasks if all(
                query.get(name) is None or str(query[name]).lower() == str(task.get(name)).lower()
                for name in FILTERED) and not (self.hide_downloaded and query.get('is_download') is None
                                               and task.get('is_download'))]
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
