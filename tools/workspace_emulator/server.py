# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The HTTP server: the Workspace export-task API, IAM project lookup, and the loopback-only admin API."""

import collections
import hashlib
import http.server
import ipaddress
import json
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from .auth import AuthFailure, auth_scheme
from .exports import TASK_NOT_DOWNLOADABLE, TASK_NOT_FOUND, match_operation
from .faults import QUEUED_KINDS, SETTING_KINDS, FaultError, FaultQueue
from .store import INVALID_PARAMETER, ListQuery, QueryError, SeedError

EXPORT_TASKS_PATH = re.compile(r'^/v2/([^/]+)/export-tasks/?$')
DOWNLOAD_PATH = re.compile(r'^/v2/([^/]+)/export-tasks/([^/]+)/download/?$')
BATCH_DELETE_PATH = re.compile(r'^/v2/([^/]+)/export-tasks/batch-delete/?$')
ADMIN_FILE_PATH = re.compile(r'^/_emulator/files/([^/]+)(/digest|/sent)?/?$')
MAX_DELETE_IDS = 200
MAX_TASK_ID_LENGTH = 64
IAM_PROJECTS_PATH = re.compile(r'^/v3/projects/?$')
ADMIN_PREFIX = '/_emulator/'
MAX_BODY_BYTES = 10 * 1024 * 1024
# A truncated JSON document: what a client sees when a proxy cuts an answer short.
MALFORMED_BODY = b'{"export_tasks": [{"task_id": '
# The pause between the partial body of a reset fault and the reset, so that the client has read the headers.
RESET_PAUSE = 0.2
# Entries a request log keeps (about 16 MiB of them): every request a test or a demo makes, not a flood's.
DEFAULT_LOG_SIZE = 10000


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

    def __init__(self, store, faults, authenticator, project_id, region, domain_id, access_key, exports, log_size=DEFAULT_LOG_SIZE):
        self.storage_url = None  # set once the object-storage listener is bound
        self.exports = exports  # export settings, files and pre-signed URLs
        self.storage_log = RequestLog(log_size)
        self.storage_faults = FaultQueue()  # queued faults of the object-storage listener (its settings are unused)
        self.store = store
        self.faults = faults
        self.authenticator = authenticator
        self.project_id = project_id
        self.region = region
        self.domain_id = domain_id
        self.access_key = access_key
        self.request_log = RequestLog(log_size)

    def config(self):
        return {'project_id': self.project_id, 'region': self.region, 'domain_id': self.domain_id,
                'access_key': self.access_key, 'latency_ms': self.faults.latency_ms, 'storage_url': self.storage_url}


class RequestLog:
    """The last `size` finished requests (a ring: the oldest entry goes when a new one comes), listed in the order they
    started, and how many entries were dropped so.

    A request's entry is added once its answer is out, so a client could read the log before the entry of the
    answer it has just received is there: a read first waits until no request is in flight, up to SETTLE_SECONDS
    (a request held longer, by a fault or latency, is left out as unfinished). For the same reason a request that
    arrived before a clear() may finish after it: its entry is left out, so that a cleared log holds only the
    requests that arrived since.
    """

    SETTLE_SECONDS = 2.0

    def __init__(self, size=DEFAULT_LOG_SIZE):
        self._changed = threading.Condition()
        self._entries = collections.deque(maxlen=size)
        self._dropped = 0
        self._in_flight = 0
        self._clears = 0  # how many times the log was cleared: which clear a request arrived after

    def begin(self):
        """A request has arrived; add() its entry, with what this returns, when it is finished."""
        with self._changed:
            self._in_flight += 1
            return self._clears

    def add(self, entry, arrived_after):
        with self._changed:
            self._in_flight -= 1
            if arrived_after == self._clears:
                if len(self._entries) == self._entries.maxlen:
                    self._dropped += 1
                self._entries.append(entry)
            self._changed.notify_all()

    def entries(self):
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight == 0, timeout=self.SETTLE_SECONDS)
            return sorted(self._entries, key=lambda entry: entry['started'])

    def summary(self):
        """How many entries the log holds, how many it may hold, and how many older ones it dropped to stay in that size
        (after the same wait as entries())."""
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight == 0, timeout=self.SETTLE_SECONDS)
            return {'entries': len(self._entries), 'size': self._entries.maxlen, 'dropped': self._dropped}

    def clear(self):
        """Empties the log (and its count of dropped entries)."""
        with self._changed:
            cleared = len(self._entries)
            self._entries.clear()
            self._dropped = 0
            self._clears += 1
        return {'cleared': cleared}


# A query parameter named like a signature (Signature of OBS, X-Amz-Signature, ...): its value is masked in the logs.
_SIGNATURE_PARAMETER = re.compile(r'((?:^|[?&])[^=&?#\s]*signature=)[^&#\s]*', re.IGNORECASE)
MASK = '***'


def mask_signatures(text):
    """text (a query string, or a log line holding a URL) with the value of each signature parameter masked."""
    return _SIGNATURE_PARAMETER.sub(lambda matched: matched.group(1) + MASK, text)


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


class BaseHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, answers with Content-Length, and a body delivery that faults can bend (trickle, reset)."""

    protocol_version = 'HTTP/1.1'
    server_version = 'WorkspaceEmulator/1.0'
    # Headers and body go out in separate writes; with Nagle's algorithm keep-alive clients would wait ~40 ms for each answer.
    disable_nagle_algorithm = True
    request_id = ''  # set for each request by _begin
    error_content_type = 'application/json;charset=UTF-8'
    error_message_format = '{"error_code": "EMULATOR.%(code)d", "error_msg": "%(message)s"}'

    # The base class names the handlers do_<METHOD>; every method goes to _handle, which subclasses define.
    # pylint: disable=invalid-name
    def do_GET(self):
        self._handle()

    def do_HEAD(self):
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
        """One line per request is written by _log_line instead, with the auth scheme and the timing."""

    def _begin(self):
        self.started = time.monotonic()
        self.slept = 0.0  # deliberate delays (latency, trickle), left out of server_ms
        self.delivery = None  # a reset or trickle Fault bending how the body goes out
        self.request_id = uuid.uuid4().hex

    def _sleep(self, seconds):
        time.sleep(seconds)
        self.slept += seconds

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # the base class's name
        """The base class's own lines (a malformed request line, for instance) quote the URL: masked too."""
        sys.stderr.write(mask_signatures('[emulator] %s %s\n' % (self.address_string(), format % args)))

    def _log_line(self, status, detail):
        sys.stderr.write('[emulator] %s "%s %s" %s %s %.1fms\n' % (
            self.client_address[0], self.command, mask_signatures(self.path), '-' if status is None else status, detail,
            (time.monotonic() - self.started) * 1000))
        sys.stderr.flush()

    def _misdirected(self):
        """Why this listener does not answer the request's Host, or None (checked before anything else)."""
        host = self.headers.get('Host')
        if not host:
            return 'The request has no Host header.'
        if not self.server.names_this_listener(host):
            return 'Host %r is not this server (it answers %s, or localhost on a loopback address).' % (
                host, self.server.url.split('//', 1)[1])
        return None

    def _log_entry(self, raw_path, raw_query, status, fault):
        """The request log's entry of this request, signatures masked; subclasses add their own fields."""
        masked_query = mask_signatures(raw_query)
        entry = {'method': self.command, 'path': raw_path, 'query': _query_dict(masked_query), 'raw_query': masked_query,
                 'status': status, 'request_id': self.request_id, 'fault': fault.kind if fault else None}
        entry.update(self._timing())
        return entry

    def _timing(self):
        ended = time.monotonic()
        return {'started': self.started, 'ended': ended, 'server_ms': round((ended - self.started - self.slept) * 1000, 3)}

    def _send_json(self, status, document, extra_headers=None, close=False):
        return self._send_bytes(status, json.dumps(document).encode('utf-8'), extra_headers, close)

    def _send_bytes(self, status, body, extra_headers=None, close=False, content_type='application/json;charset=UTF-8'):
        return self._send_stream(status, [body], len(body), extra_headers, close, content_type)

    def _send_stream(self, status, chunks, length, extra_headers=None, close=False, content_type='application/json;charset=UTF-8'):
        """Send an answer whose body is the iterable `chunks` of bytes, `length` bytes in all."""
        if self.delivery is not None and self.delivery.kind == 'drop':
            self._drop()  # handled, but never answered
            return None
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(length))
        self.send_header('X-Request-Id', self.request_id)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        if self.command != 'HEAD':
            self._write_body(chunks, length)
        return status

    def _write_body(self, chunks, length):
        fault = self.delivery
        if fault is None:
            for chunk in chunks:
                self.wfile.write(chunk)
        elif fault.kind == 'trickle':
            first = True
            for chunk in chunks:
                for index in range(len(chunk)):
                    if not first:
                        self._sleep(fault.interval_ms / 1000.0)
                    first = False
                    self.wfile.write(chunk[index:index + 1])
        else:
            self._write_then_reset(chunks, length // 2 if fault.after_bytes is None else min(fault.after_bytes, length))

    def _write_then_reset(self, chunks, budget):
        for chunk in chunks:
            if budget <= 0:
                break
            self.wfile.write(chunk[:budget])
            budget -= len(chunk)
        self._sleep(RESET_PAUSE)
        # SO_LINGER with a zero timeout turns close() into a TCP RST instead of an orderly FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.close_connection = True
        self.connection.close()

    def _drop(self):
        """Close without a byte of answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

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

    def _answer_with_fault(self, fault, answer):
        """Answer with answer() unless a queued fault says otherwise (reset and trickle bend how answer() goes out)."""
        if fault is not None and fault.kind == 'pass':
            return answer()  # holds a place in the queue, so that the faults behind it apply to later requests
        if fault is not None and fault.kind == 'slow':
            self._sleep(fault.delay_ms / 1000.0)
            return answer()
        if fault is not None and fault.kind == 'together':
            held = time.monotonic()
            fault.gathering.join(fault.wait_ms / 1000.0)
            self.slept += time.monotonic() - held
            return answer()
        if fault is None or fault.kind in ('reset', 'trickle') or (fault.kind == 'drop' and fault.after_handling):
            self.delivery = fault
            return answer()
        if fault.kind == 'drop':
            self._drop()
            return None
        if fault.kind == 'malformed':
            return self._send_bytes(200, MALFORMED_BODY)
        if fault.kind == 'respond':
            return self._send_json(200, fault.document)
        if fault.kind == 'redirect':
            return self._send_bytes(fault.status, b'', {'Location': fault.location})
        headers = {'Retry-After': str(fault.retry_after)} if fault.retry_after is not None else None
        return self._send_json(fault.status, {'error_code': fault.error_code, 'error_msg': fault.error_msg, 'request_id': self.request_id},
                               headers)

    def _internal_error(self):
        # The client gets a plain error body; the details go to the emulator's own stderr.
        traceback.print_exc(file=sys.stderr)
        self.delivery = None
        return self._send_json(500, {'error_code': 'EMULATOR.INTERNAL_ERROR', 'error_msg': 'Internal error of the emulator (see its stderr).'},
                               close=True)


class RequestHandler(BaseHandler):
    """The Workspace API and IAM (logged, authenticated, subject to faults) and the admin API."""

    def _handle(self):
        self._begin()
        raw_path, _, raw_query = self.path.partition('?')
        is_admin = raw_path.startswith(ADMIN_PREFIX)
        scheme = '-' if is_admin else auth_scheme(self.headers)
        fault = arrived_after = None
        if not is_admin:
            arrived_after = self.server.state.request_log.begin()
        try:
            misdirected = self._misdirected()
            if misdirected:
                raise _HttpError(421, 'EMULATOR.MISDIRECTED', misdirected, close=True)
            body = self._read_body()
            if is_admin:
                status = self._handle_admin(raw_path, body)
            else:
                fault = self.server.state.faults.take()
                status = self._handle_api(raw_path, raw_query, body, fault)
        except _HttpError as error:
            status = self._send_json(error.status, {'error_code': error.error_code, 'error_msg': error.error_msg}, close=error.close)
        except (ConnectionError, socket.timeout):
            status = None  # the client went away mid-answer
            self.close_connection = True
        except Exception:  # pylint: disable=broad-except
            status = self._internal_error()
        if not is_admin:
            entry = self._log_entry(raw_path, raw_query, status, fault)
            entry['auth'] = scheme
            self.server.state.request_log.add(entry, arrived_after)
        self._log_line(status, 'auth=%s' % scheme)

    # The cloud API.

    def _handle_api(self, raw_path, raw_query, body, fault):
        latency_ms = self.server.state.faults.request_latency_ms()
        if latency_ms:
            self._sleep(latency_ms / 1000.0)
        return self._answer_with_fault(fault, lambda: self._answer_api(raw_path, raw_query, body))

    def _gateway_error(self, status, error_code, error_msg, extra_headers=None):
        return self._send_json(status, {'error_code': error_code, 'error_msg': error_msg, 'request_id': self.request_id}, extra_headers)

    def _route(self, raw_path):
        """(answer function taking (path match or path parameters, raw_query, body), path project id, needs X-Project-Id) or None."""
        routes = (
            ('GET', EXPORT_TASKS_PATH, self._answer_list_request),
            ('GET', DOWNLOAD_PATH, self._answer_download),
            ('POST', BATCH_DELETE_PATH, self._answer_batch_delete),
        )
        for method, pattern, answer in routes:
            matched = pattern.match(raw_path)
            if matched and self.command == method:
                return answer, matched.groups(), urllib.parse.unquote(matched.group(1))
        operation, path_parameters = match_operation(self.command, raw_path)
        if operation is not None:
            return (lambda _, raw_query, body: self._answer_start(operation, path_parameters, raw_query, body)), path_parameters, \
                path_parameters['project_id']
        return None

    def _answer_api(self, raw_path, raw_query, body):
        state = self.server.state
        is_iam = self.command == 'GET' and IAM_PROJECTS_PATH.match(raw_path) is not None
        route = None if is_iam else self._route(raw_path)
        if not (is_iam or route):
            return self._gateway_error(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.')
        try:
            state.authenticator.authenticate(self.command, raw_path, raw_query, self.headers, body, needs_project_header=not is_iam)
        except AuthFailure as failure:
            return self._gateway_error(401, failure.error_code, str(failure))
        if is_iam:
            return self._answer_projects(raw_query)
        answer, path_parameters, path_project_id = route
        if path_project_id != state.project_id:
            return self._gateway_error(403, 'APIGW.0302', 'The IAM user is not authorized to access the API: project %s in the URI is not '
                                       'the project of these credentials.' % path_project_id)
        try:
            return answer(path_parameters, raw_query, body)
        except QueryError as error:
            return self._send_json(400, {'error_code': INVALID_PARAMETER, 'error_msg': 'Invalid parameter: %s' % error})

    def _answer_list_request(self, _, raw_query, __):
        return self._answer_list(ListQuery(urllib.parse.parse_qsl(raw_query, keep_blank_values=True)))

    def _answer_start(self, operation, path_parameters, raw_query, body):
        parameters = operation.parameters_from(urllib.parse.parse_qsl(raw_query, keep_blank_values=True), body)
        parameters.update((name, value) for name, value in path_parameters.items() if name != 'project_id')
        return self._send_json(200, {'task_id': self.server.state.exports.start(operation, parameters)})

    def _answer_download(self, path_groups, _, __):
        state = self.server.state
        task_id = urllib.parse.unquote(path_groups[1])
        task, record = state.store.get(task_id)
        if task is None:
            # The API documents 400, 401 and 500 only: an unknown task is a bad request.
            return self._send_json(400, {'error_code': TASK_NOT_FOUND, 'error_msg': 'The export task %s does not exist.' % task_id})
        if record['status'] != 'SUCCESS':
            return self._send_json(400, {'error_code': TASK_NOT_DOWNLOADABLE, 'error_msg': 'The export task %s is %s: only a task in '
                                         'status SUCCESS has a file to download.' % (task_id, record['status'])})
        state.store.mark_downloaded(task_id)
        mode = state.exports.settings.get()['download']
        if mode == 'redirect':
            return self._send_bytes(302, b'', {'Location': state.exports.presigned_url(state.storage_url, task)})
        if mode == 'json':
            return self._send_json(200, {'download_url': state.exports.presigned_url(state.storage_url, task)})
        # file_labelled_json: the file's bytes under the label an API definition's "produces: application/json" gives every answer.
        return self._send_file(task, state.exports.sent(task),
                               content_type='application/json;charset=UTF-8' if mode == 'file_labelled_json' else None)

    def _send_file(self, task, export_file, content_type=None):
        """The task's export_file, labelled with its own content type unless content_type says otherwise."""
        headers = {'Content-Disposition': "attachment; filename*=UTF-8''%s" % urllib.parse.quote(task.file_name, safe='')}
        if export_file.content_encoding:
            headers['Content-Encoding'] = export_file.content_encoding
        return self._send_stream(200, export_file.chunks, export_file.length, headers,
                                 content_type=content_type or export_file.content_type)

    def _answer_batch_delete(self, _, __, body):
        try:
            document = json.loads(body.decode('utf-8'))
        except ValueError:
            raise QueryError('the request body must be a JSON object {"task_ids": [...]}') from None
        task_ids = document.get('task_ids') if isinstance(document, dict) else None
        if not isinstance(task_ids, list) or not 1 <= len(task_ids) <= MAX_DELETE_IDS:
            raise QueryError('task_ids must be a list of 1 to %d task IDs' % MAX_DELETE_IDS)
        if not all(isinstance(task_id, str) and 1 <= len(task_id) <= MAX_TASK_ID_LENGTH for task_id in task_ids):
            raise QueryError('each of task_ids must be a string of 1 to %d characters' % MAX_TASK_ID_LENGTH)
        if len(set(task_ids)) != len(task_ids):
            raise QueryError('task_ids must not repeat an ID')
        unknown = self.server.state.store.delete(task_ids, all_or_none=True)
        if unknown:
            return self._send_json(400, {'error_code': TASK_NOT_FOUND, 'error_msg': 'The export task(s) %s do not exist.' % ', '.join(unknown)})
        return self._send_bytes(200, b'')

    def _answer_list(self, query):
        state = self.server.state
        behaviour = state.faults.list_behaviour()
        if behaviour.churn:
            state.store.churn(**behaviour.churn)
        if behaviour.hide_downloaded and query.is_download is None:
            query.is_download = False
        records, count = state.store.page(query, offset=0 if behaviour.ignore_offset else None)
        # The records' JSON is cached by the store: the page is joined, not serialised again.
        body = b''.join((b'{"export_tasks": [', b', '.join(records), b'], "count": ', str(count + behaviour.extra_count).encode('ascii'), b'}'))
        return self._send_bytes(200, body)

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
        # A web page in a browser on this machine can send requests here too; none of them may change the state.
        origin = self.headers.get('Origin')
        if origin is not None and not self._is_own_origin(origin):
            raise _HttpError(403, 'EMULATOR.FORBIDDEN', 'The admin API does not answer requests from another origin (%r).' % origin)
        if self.command in ('POST', 'DELETE') and self.headers.get('Content-Type', '').split(';')[0].strip().lower() != 'application/json':
            # A browser sends text/plain and form bodies cross-origin without asking first, but not JSON.
            raise _HttpError(415, 'EMULATOR.UNSUPPORTED_MEDIA_TYPE', 'Admin %s requests need Content-Type: application/json.' % self.command)
        state = self.server.state
        routes = {
            '/_emulator/tasks': {'GET': state.store.records, 'POST': lambda: state.store.add(self._json_body(body))},
            '/_emulator/starts': {'GET': state.store.starts},
            '/_emulator/tasks/finish': {'POST': lambda: self._finish_tasks(self._json_body(body))},
            '/_emulator/requests': {'GET': state.request_log.entries, 'DELETE': state.request_log.clear},
            '/_emulator/requests/summary': {'GET': state.request_log.summary},
            '/_emulator/storage/requests': {'GET': state.storage_log.entries, 'DELETE': state.storage_log.clear},
            '/_emulator/storage/requests/summary': {'GET': state.storage_log.summary},
            '/_emulator/storage/faults': {'GET': state.storage_faults.state, 'POST': lambda: state.storage_faults.add(self._storage_faults(body)),
                                          'DELETE': state.storage_faults.clear},
            '/_emulator/faults': {'GET': state.faults.state, 'POST': lambda: state.faults.add(self._json_body(body)),
                                  'DELETE': state.faults.clear},
            '/_emulator/config': {'GET': state.config},
            '/_emulator/exports': {'GET': state.exports.settings.get, 'POST': lambda: state.exports.settings.update(self._json_body(body))},
        }
        file_path = ADMIN_FILE_PATH.match(raw_path)
        if file_path and self.command == 'GET':
            return self._admin_file(urllib.parse.unquote(file_path.group(1)), file_path.group(2))
        methods = routes.get(raw_path.rstrip('/'))
        if methods is None:
            raise _HttpError(404, 'EMULATOR.NOT_FOUND', 'No admin endpoint %s; see tools/workspace_emulator/README.md.' % raw_path)
        action = methods.get(self.command)
        if action is None:
            return self._send_json(405, {'error_code': 'EMULATOR.METHOD_NOT_ALLOWED', 'error_msg': '%s allows %s.' % (raw_path, ', '.join(methods))},
                                   {'Allow': ', '.join(methods)})
        try:
            result = action()
        except (SeedError, FaultError, ValueError) as error:
            raise _HttpError(400, 'EMULATOR.BAD_REQUEST', str(error)) from None
        return self._send_json(200, result)

    def _is_own_origin(self, origin):
        parsed = urllib.parse.urlsplit(origin)
        return (parsed.scheme == ('https' if self.server.tls else 'http') and not (parsed.path or parsed.query or parsed.fragment)
                and self.server.names_this_listener(parsed.netloc))

    def _admin_file(self, task_id, digest):
        """The bytes of the task's file (whatever its status); with /digest {"size", "sha256"} of them; with /sent
        {"content_encoding", "size", "sha256"} of the bytes a download sends now (see the setting download_encoding)."""
        exports = self.server.state.exports
        task, _ = self.server.state.store.get(task_id)
        if task is None:
            raise _HttpError(404, 'EMULATOR.NOT_FOUND', 'No task %s.' % task_id)
        if not digest:
            return self._send_file(task, exports.file(task))
        export_file = exports.sent(task) if digest == '/sent' else exports.file(task)
        sha256 = hashlib.sha256()
        for chunk in export_file.chunks:
            sha256.update(chunk)
        answer = {'size': export_file.length, 'sha256': sha256.hexdigest()}
        if digest == '/sent':
            answer['content_encoding'] = export_file.content_encoding
        return self._send_json(200, answer)

    def _storage_faults(self, body):
        specs = self._json_body(body)
        for spec in specs if isinstance(specs, list) else [specs]:
            if isinstance(spec, dict) and set(spec) & set(SETTING_KINDS):
                raise FaultError('object storage takes queued faults only (%s)' % ', '.join(QUEUED_KINDS))
        return specs

    def _finish_tasks(self, document):
        if not isinstance(document, dict) or not isinstance(document.get('task_ids'), list) or set(document) - {'task_ids', 'status', 'fail_reason', 'error_code'}:
            raise SeedError('the body must be {"task_ids": [...], "status": "SUCCESS"|"FAIL", "fail_reason": ..., "error_code": ...}')
        return self.server.state.store.finish(document['task_ids'], document.get('status', 'SUCCESS'), document.get('fail_reason'),
                                              document.get('error_code'))

    @staticmethod
    def _json_body(body):
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError as error:
            raise _HttpError(400, 'EMULATOR.BAD_REQUEST', 'The request body is not JSON: %s' % error) from None


class EmulatorServer(http.server.ThreadingHTTPServer):
    """One thread per connection, so that slow answers (latency, trickle) never hold up others; HTTPS with tls_context."""

    daemon_threads = True
    request_queue_size = 128  # many pages requested at once must not be refused by a short listen backlog

    def __init__(self, host, port, state, handler=RequestHandler, tls_context=None):
        self.address_family = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.state = state
        self.tls = tls_context is not None
        super().__init__((host, port), handler)
        if tls_context is not None:
            # The handshake happens on the first read, in the connection's own thread, not in the accepting one.
            self.socket = tls_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def names_this_listener(self, authority):
        """Whether host[:port] (a Host header, an Origin's) names this listener: its own address and port, any IP
        address when it listens on every one, or localhost on a loopback address. Never another name: a browser
        sends one after DNS rebinding (a page's own name, re-pointed at this address)."""
        parsed = urllib.parse.urlsplit('//' + authority)
        try:
            port = parsed.port or (443 if self.tls else 80)
        except ValueError:
            return False
        if parsed.netloc != authority or '@' in authority or not parsed.hostname or port != self.server_address[1]:
            return False
        listening = ipaddress.ip_address(self.server_address[0])
        if parsed.hostname in ('localhost', 'localhost.'):
            return listening.is_loopback or listening.is_unspecified
        try:
            address = ipaddress.ip_address(parsed.hostname)
        except ValueError:
            return False
        return address == listening or listening.is_unspecified

    @property
    def url(self):
        host, port = self.server_address[:2]
        return '%s://%s:%d' % ('https' if self.tls else 'http', '[%s]' % host if ':' in host else host, port)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, socket.timeout, ssl.SSLError)):
            # A client that hangs up (timeouts, retries) or refuses the certificate is normal; one line is enough.
            sys.stderr.write('[emulator] %s: connection ended: %s\n' % (client_address[0], error))
            return
        super().handle_error(request, client_address)


def tls_context(cert_file, key_file):
    """A server-side TLS context, or None without a certificate."""
    if cert_file is None:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context
