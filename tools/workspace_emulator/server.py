# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The HTTP server: the Workspace export-task API, IAM project lookup, and the loopback-only admin API."""

import http.server
import ipaddress
import json
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from .auth import AuthFailure, auth_scheme
from .faults import FaultError
from .store import INVALID_PARAMETER, ListQuery, QueryError, SeedError

EXPORT_TASKS_PATH = re.compile(r'^/v2/([^/]+)/export-tasks/?$')
IAM_PROJECTS_PATH = re.compile(r'^/v3/projects/?$')
ADMIN_PREFIX = '/_emulator/'
MAX_BODY_BYTES = 10 * 1024 * 1024
# A truncated JSON document: what a client sees when a proxy cuts an answer short.
MALFORMED_BODY = b'{"export_tasks": [{"task_id": '


class _HttpError(Exception):
    """Ends a request early with an error answer."""

    def __init__(self, status, error_code, error_msg, close=False):
        super().__init__(error_msg)
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.close = close


class EmulatorState:
    """Everything the request handlers share."""

    def __init__(self, store, faults, authenticator, project_id, region, domain_id, access_key):
        self.store = store
        self.faults = faults
        self.authenticator = authenticator
        self.project_id = project_id
        self.region = region
        self.domain_id = domain_id
        self.access_key = access_key
        self._log_lock = threading.Lock()
        self._request_log = []

    def log_request(self, entry):
        with self._log_lock:
            self._request_log.append(entry)

    def request_log(self):
        with self._log_lock:
            return list(self._request_log)

    def clear_request_log(self):
        with self._log_lock:
            cleared = len(self._request_log)
            self._request_log = []
        return cleared

    def config(self):
        return {'project_id': self.project_id, 'region': self.region, 'domain_id': self.domain_id,
                'access_key': self.access_key, 'latency_ms': self.faults.latency_ms}


def _query_dict(raw_query):
    """Query parameters by name; a repeated name maps to the list of its values."""
    query = {}
    for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        if name in query:
            previous = query[name]
            query[name] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            query[name] = value
    return query


def _is_loopback(host):
    try:
        address = ipaddress.ip_address(host.split('%', 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, 'ipv4_mapped', None)
    return (mapped or address).is_loopback


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'WorkspaceEmulator/1.0'
    # Headers and body go out in two writes; with Nagle's algorithm keep-alive clients would wait ~40 ms for each answer.
    disable_nagle_algorithm = True
    request_id = ''  # set for each request by _handle
    error_content_type = 'application/json;charset=UTF-8'
    error_message_format = '{"error_code": "EMULATOR.%(code)d", "error_msg": "%(message)s"}'

    # The base class names the handlers do_<METHOD>.
    # pylint: disable=invalid-name
    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_PATCH(self):
        self._handle()

    def do_DELETE(self):
        self._handle()
    # pylint: enable=invalid-name

    def version_string(self):
        return self.server_version

    def log_request(self, code='-', size='-'):
        """One line per request is written by _handle instead, with the auth scheme and the timing."""

    def _handle(self):
        started = time.monotonic()
        raw_path, _, raw_query = self.path.partition('?')
        self.request_id = uuid.uuid4().hex
        scheme = '-'
        try:
            body = self._read_body()
            if raw_path.startswith(ADMIN_PREFIX):
                status = self._handle_admin(raw_path, body)
            else:
                scheme = auth_scheme(self.headers)
                status = self._handle_api(raw_path, raw_query, body, scheme)
        except _HttpError as error:
            status = self._send_json(error.status, {'error_code': error.error_code, 'error_msg': error.error_msg}, close=error.close)
        except Exception:  # pylint: disable=broad-except
            # The client gets a plain error body; the details go to the emulator's own stderr.
            traceback.print_exc(file=sys.stderr)
            status = self._send_json(500, {'error_code': 'EMULATOR.INTERNAL_ERROR', 'error_msg': 'Internal error of the emulator (see its stderr).'},
                                     close=True)
        sys.stderr.write('[emulator] %s "%s %s" %s auth=%s %.1fms\n' % (
            self.client_address[0], self.command, self.path, '-' if status is None else status, scheme,
            (time.monotonic() - started) * 1000))
        sys.stderr.flush()

    def _read_body(self):
        if self.headers.get('Transfer-Encoding'):
            raise _HttpError(411, 'EMULATOR.LENGTH_REQUIRED', 'Send the request body with Content-Length.', close=True)
        length_text = self.headers.get('Content-Length', '0')
        if not length_text.isdigit():
            raise _HttpError(400, 'EMULATOR.BAD_REQUEST', 'Content-Length must be a number.', close=True)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise _HttpError(413, 'EMULATOR.TOO_LARGE', 'The request body is larger than %d bytes.' % MAX_BODY_BYTES, close=True)
        return self.rfile.read(length) if length else b''

    def _send_json(self, status, document, extra_headers=None, close=False):
        return self._send_bytes(status, json.dumps(document).encode('utf-8'), extra_headers, close)

    def _send_bytes(self, status, body, extra_headers=None, close=False):
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=UTF-8')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('X-Request-Id', self.request_id)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        return status

    def _gateway_error(self, status, error_code, error_msg, extra_headers=None):
        return self._send_json(status, {'error_code': error_code, 'error_msg': error_msg, 'request_id': self.request_id}, extra_headers)

    # The cloud API.

    def _handle_api(self, raw_path, raw_query, body, scheme):
        state = self.server.state
        fault = state.faults.take()
        latency_ms = state.faults.latency_ms
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        if fault is not None:
            status = self._answer_fault(fault)
        else:
            status = self._answer_api(raw_path, raw_query, body)
        state.log_request({'method': self.command, 'path': raw_path, 'query': _query_dict(raw_query), 'raw_query': raw_query,
                           'status': status, 'auth': scheme, 'request_id': self.request_id})
        return status

    def _answer_fault(self, fault):
        if fault.kind == 'drop':
            # Close without a byte of answer; the request log shows status null.
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        if fault.kind == 'malformed':
            return self._send_bytes(200, MALFORMED_BODY)
        headers = {'Retry-After': str(fault.retry_after)} if fault.retry_after is not None else None
        return self._gateway_error(fault.status, fault.error_code, fault.error_msg, headers)

    def _answer_api(self, raw_path, raw_query, body):
        state = self.server.state
        export_tasks = EXPORT_TASKS_PATH.match(raw_path)
        is_iam = IAM_PROJECTS_PATH.match(raw_path) is not None
        if self.command != 'GET' or not (export_tasks or is_iam):
            return self._gateway_error(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.')
        try:
            state.authenticator.authenticate(self.command, raw_path, raw_query, self.headers, body, needs_project_header=not is_iam)
        except AuthFailure as failure:
            return self._gateway_error(401, failure.error_code, str(failure))
        if is_iam:
            return self._answer_projects(raw_query)
        path_project_id = urllib.parse.unquote(export_tasks.group(1))
        if path_project_id != state.project_id:
            return self._gateway_error(403, 'APIGW.0302', 'The IAM user is not authorized to access the API: project %s in the URI is not '
                                       'the project of these credentials.' % path_project_id)
        try:
            query = ListQuery(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
        except QueryError as error:
            return self._send_json(400, {'error_code': INVALID_PARAMETER, 'error_msg': 'Invalid parameter: %s' % error})
        return self._send_json(200, state.store.list(query))

    def _answer_projects(self, raw_query):
        state = self.server.state
        names = [value for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True) if name == 'name']
        projects = []
        if all(name == state.region for name in names):
            projects.append({'id': state.project_id, 'name': state.region, 'domain_id': state.domain_id, 'enabled': True})
        return self._send_json(200, {'projects': projects})

    # The admin API: loopback clients only, no authentication, not in the request log.

    def _handle_admin(self, raw_path, body):
        if not _is_loopback(self.client_address[0]):
            raise _HttpError(403, 'EMULATOR.FORBIDDEN', 'The admin API answers loopback clients only.')
        state = self.server.state
        routes = {
            '/_emulator/tasks': {'GET': state.store.records, 'POST': lambda: state.store.add(self._json_body(body))},
            '/_emulator/requests': {'GET': state.request_log, 'DELETE': lambda: {'cleared': state.clear_request_log()}},
            '/_emulator/faults': {'GET': state.faults.state, 'POST': lambda: state.faults.add(self._json_body(body)),
                                  'DELETE': state.faults.clear},
            '/_emulator/config': {'GET': state.config},
        }
        methods = routes.get(raw_path.rstrip('/'))
        if methods is None:
            raise _HttpError(404, 'EMULATOR.NOT_FOUND', 'No admin endpoint %s; see tools/workspace_emulator/README.md.' % raw_path)
        action = methods.get(self.command)
        if action is None:
            return self._send_json(405, {'error_code': 'EMULATOR.METHOD_NOT_ALLOWED', 'error_msg': '%s allows %s.' % (raw_path, ', '.join(methods))},
                                   {'Allow': ', '.join(methods)})
        try:
            result = action()
        except (SeedError, FaultError) as error:
            raise _HttpError(400, 'EMULATOR.BAD_REQUEST', str(error)) from None
        return self._send_json(200, result)

    @staticmethod
    def _json_body(body):
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError as error:
            raise _HttpError(400, 'EMULATOR.BAD_REQUEST', 'The request body is not JSON: %s' % error) from None


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host, port, state):
        self.address_family = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.state = state
        super().__init__((host, port), RequestHandler)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return 'http://%s:%d' % ('[%s]' % host if ':' in host else host, port)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, socket.timeout)):
            # A client that hangs up is normal (timeouts, retries); one line is enough.
            sys.stderr.write('[emulator] %s: connection ended: %s\n' % (client_address[0], error))
            return
        super().handle_error(request, client_address)
