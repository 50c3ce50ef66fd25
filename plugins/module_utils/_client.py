# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The HTTP client: one pooled requests.Session, signed (or token) requests, deadlines, retries, error mapping."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import socket
import threading
import time
import traceback

from urllib.parse import urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, HTTPError as Urllib3Error, NewConnectionError, ReadTimeoutError
except ImportError:
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.hwcloud.workspace.plugins.module_utils import _signing
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    parse_retry_after,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values
from ansible_collections.hwcloud.workspace.plugins.module_utils._throttle import Throttle

COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'hwcloud.workspace/%s (Ansible collection)' % COLLECTION_VERSION
# Longest error body text quoted in a message: enough to recognise an HTML error page.
BODY_EXCERPT = 200
# An answer larger than this is refused: no list page comes near it, and memory must not fill up.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
READ_CHUNK = 64 * 1024
# Statuses that a request which must not be repeated may still be retried after: the service did not act.
NOT_ACTED_STATUSES = frozenset((429, 503))


def _excerpt(text):
    text = ' '.join(text.split())
    return text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + '...'


def _causes(exc):
    """exc and its inner causes, outermost first (requests wraps urllib3, which wraps socket errors)."""
    seen = []
    while exc is not None and all(exc is not other for other in seen):
        seen.append(exc)
        inner = getattr(exc, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(exc.args) if isinstance(arg, BaseException)), None)
        exc = inner
    return seen


def _transport_reason(exc):
    """The innermost cause of a requests exception, as a person reads it ("... Connection refused")."""
    innermost = _causes(exc)[-1]
    text = str(innermost) or innermost.__class__.__name__
    # urllib3 starts with "HTTPConnectionPool(host=..., port=...): ", which the URL already says.
    if text.startswith('HTTP') and '): ' in text:
        text = text.split('): ', 1)[1]
    return _excerpt(text)


def _did_not_arrive(exc):
    """True when the request certainly never reached the service: no connection was made."""
    return any(isinstance(cause, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError))
               for cause in _causes(exc))


def _timed_out(exc):
    return any(isinstance(cause, (requests.exceptions.Timeout, ReadTimeoutError, socket.timeout)) for cause in _causes(exc))


def _error_fields(body):
    """(error_code, error_msg, request_id) from the error shapes Huawei Cloud services answer with."""
    if not isinstance(body, dict):
        return None, None, None
    nested = body.get('error') if isinstance(body.get('error'), dict) else {}  # IAM's {"error": {...}}
    code = body.get('error_code') or nested.get('error_code') or nested.get('code')
    message = body.get('error_msg') or nested.get('error_msg') or nested.get('message')
    return (None if code is None else str(code)), message, body.get('request_id')


def _no_auth(prepared):
    """Session auth that adds nothing: with it set, requests never reads credentials from ~/.netrc."""
    return prepared


def _no_auth_on_redirect(prepared_request, response):
    """Session.rebuild_auth that adds nothing: requests would add ~/.netrc credentials for a redirect's host."""
    prepared_request.headers.pop('Authorization', None)  # nothing of ours ever carries Authorization there


def _new_session(pool_size):
    session = requests.Session()
    # trust_env stays on for proxies (HTTPS_PROXY, NO_PROXY); the CA bundle variables are overridden by
    # passing verify with each request, and ~/.netrc by auth hooks that add nothing.
    session.auth = _no_auth
    session.rebuild_auth = _no_auth_on_redirect
    session.headers['User-Agent'] = USER_AGENT
    session.headers['Accept-Encoding'] = 'identity'  # the size ceiling counts the bytes that reach memory
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    return session


def _public_url(url):
    """url without its query: a pre-signed object-storage URL carries its signature there."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return 'the download link'
    return '%s://%s%s' % (parts.scheme, parts.netloc.rpartition('@')[2], parts.path)


def _location_host(location):
    """The host[:port] a Location header points at, for a message (without any user:password@)."""
    try:
        netloc = urlsplit(location or '').netloc
    except ValueError:
        return 'an invalid Location'
    return _excerpt(netloc.rpartition('@')[2]) or 'the same host'


def _check_url(method, url, shown=None):
    """An error naming url when it cannot be requested at all (the signer and requests would raise otherwise)."""
    try:
        parts = urlsplit(url)
        # .port raises ValueError for a port out of range, as urlsplit does for a broken IPv6 address.
        valid = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname) and (parts.port or 0) >= 0
        reason = 'not an http(s) URL'
    except ValueError as exc:
        valid, reason = False, str(exc)
    if not valid:
        raise WorkspaceTransportError('%s %s failed: invalid URL: %s' % (method, shown or url, reason),
                                      retryable=False)


class _BodyError(WorkspaceTransportError):
    """Reading a body failed; reason is the part after "failed: "."""

    def __init__(self, method, url, reason, retryable=True):
        super(_BodyError, self).__init__('%s %s failed: %s' % (method, url, reason), retryable)
        self.reason = reason


class _Retry(Exception):
    """One attempt failed in a way that another attempt may fix."""

    def __init__(self, error, arrived=True, retry_after=None, throttled=False):
        super(_Retry, self).__init__(str(error))
        self.error = error
        self.arrived = arrived  # the service may have acted on the request
        self.retry_after = retry_after
        self.throttled = throttled  # the API asked every worker of this run to slow down


class WorkspaceClient:
    """Sends the requests of one module or lookup run over one pooled keep-alive session; thread-safe.

    throttle bounds the requests in flight (connection.concurrency) and holds every worker back when the
    API throttles.
    """

    def __init__(self, connection, session=None, sleep=time.sleep, retry_policy=None, throttle=None):
        if requests is None:
            raise WorkspaceConfigError('The Python library requests is required: pip install requests')
        self.connection = connection
        self.session = session or _new_session(max(connection.concurrency, 1))
        self.sleep = sleep
        self.retry_policy = retry_policy or RetryPolicy(connection.retries)
        self.throttle = throttle or Throttle(connection.concurrency)
        self._secrets = secret_values(connection)
        # Downloads from object storage get a session of their own (made on first use), so that no Workspace
        # header can leak into them.
        self._external_session = None
        self._external_lock = threading.Lock()

    def close(self):
        self.session.close()
        if self._external_session is not None:
            self._external_session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _scrub(self, text):
        return None if text is None else scrub(text, self._secrets)

    def _auth_headers(self, method, url, project_id, payload):
        conn = self.connection
        headers = {}
        if payload:
            headers['Content-Type'] = 'application/json'
        if conn.auth_token:
            headers['X-Auth-Token'] = conn.auth_token
            return headers
        if project_id:
            headers['X-Project-Id'] = project_id
        if conn.security_token:
            headers['X-Security-Token'] = conn.security_token
        return _signing.sign(method, url, headers, payload, conn.access_key, conn.secret_key)

    def get_json(self, base_url, path, params=(), project_id=None, deadline=None):
        """GET base_url + path with the query params (pairs); returns the decoded JSON object."""
        return self.request('GET', base_url, path, params, project_id=project_id, deadline=deadline)

    def request(self, method, base_url, path, params=(), body=None, project_id=None, idempotent=None,
                deadline=None, stream=False):
        """Send a signed request; returns the decoded JSON object ({} for an empty 2xx body).

        params are (name, value) pairs; body is sent as JSON. project_id, when given, is sent (and signed)
        as X-Project-Id, as the SDK does for regional APIs. idempotent (default: every method but POST)
        allows retries after time-outs, drops and 5xx; a request that is not idempotent is retried only
        when it certainly did not reach the service (connection refused, 429, 503). deadline is an absolute
        time.monotonic() value that no attempt and no retry wait goes beyond. With stream, the open
        requests.Response of any status below 400 is returned (3xx included, never followed): close it.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method != 'POST'
        query = _signing.canonical_query_string(params)
        url = base_url + path + ('?' + query if query else '')
        payload = b'' if body is None else _signing.json_body(body)
        _check_url(method, url)
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.throttle.slot(deadline):
                    return self._attempt(method, url, payload, project_id, deadline, stream, attempt)
            except _Retry as retry:
                self._wait_before_retry(retry, attempt, deadline, idempotent)

    def _wait_before_retry(self, retry, attempt, deadline, idempotent):
        """Sleep (or hold back every worker) before the next attempt, or raise retry's error."""
        if not idempotent and retry.arrived:
            raise retry.error
        delay = self.retry_policy.delay(attempt, retry.retry_after)
        if delay is None or (deadline is not None and time.monotonic() + delay >= deadline):
            raise retry.error
        if retry.throttled:
            self.throttle.throttled(delay)
        else:
            self.sleep(delay)

    def _attempt_deadline(self, method, url, deadline):
        """When this attempt must have its whole answer: timeout from now, or the caller's deadline if sooner."""
        now = time.monotonic()
        ends = now + self.connection.timeout
        if deadline is not None and deadline < ends:
            if deadline <= now:
                raise WorkspaceTransportError('%s %s not sent: timed out (the deadline passed)' % (method, url))
            ends = deadline
        return ends

    def _attempt(self, method, url, payload, project_id, deadline, stream, attempt):
        ends = self._attempt_deadline(method, url, deadline)
        # Signed anew for each attempt: X-Sdk-Date must be fresh.
        headers = self._auth_headers(method, url, project_id, payload)
        response = self._send(self.session, method, url, headers, payload, ends, attempt, allow_redirects=False)
        try:
            status = response.status_code
            if status in RETRYABLE_STATUSES:
                retry_after = parse_retry_after(response.headers.get('Retry-After'))
                error = self._api_error(method, url, response, self._read(response, method, url, ends, attempt),
                                        attempt)
                raise _Retry(error, arrived=status not in NOT_ACTED_STATUSES, retry_after=retry_after,
                             throttled=status == 429 or (status == 503 and retry_after is not None))
            if 300 <= status < 400 and not stream:
                raise WorkspaceApiError(method, url, status, request_id=response.headers.get('X-Request-Id'),
                                        detail='redirect to %s not followed (credentials are only sent to the '
                                               'endpoint)' % _location_host(response.headers.get('Location')))
            if status >= 400:
                raise self._api_error(method, url, response, self._read(response, method, url, ends, attempt),
                                      attempt)
            if stream:
                returned, response = response, None
                return returned
            return self._decode(method, url, response, self._read(response, method, url, ends, attempt))
        finally:
            if response is not None:
                response.close()

    def _send(self, session, method, url, headers, payload, ends, attempt, allow_redirects):
        """Send and read the status line and headers; failures become errors naming the URL."""
        shown = url if session is self.session else _public_url(url)
        remaining = max(ends - time.monotonic(), 0.001)
        try:
            return session.request(method, url, headers=headers, data=payload or None, timeout=(remaining, remaining),
                                   verify=self.connection.verify, allow_redirects=allow_redirects, stream=True)
        except requests.exceptions.SSLError as exc:
            raise WorkspaceTransportError('%s %s failed: TLS error: %s (validate_certs is %s%s)' % (
                method, shown, self._scrub(_transport_reason(exc)), self.connection.validate_certs,
                ', ca_path is %s' % self.connection.ca_path if self.connection.ca_path else ''), retryable=False)
        except requests.exceptions.InvalidHeader:
            # requests quotes the header's value, which may be a token: say which kind of error only.
            raise WorkspaceTransportError('%s %s failed: a request header value is not valid (not shown)'
                                          % (method, shown), retryable=False)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            if _timed_out(exc):
                reason = 'timed out %s (timeout %g s)' % (
                    'connecting' if _did_not_arrive(exc) else 'waiting for the answer', self.connection.timeout)
            else:
                reason = self._scrub(_transport_reason(exc))
            raise _Retry(WorkspaceTransportError('%s %s failed after %d attempt(s): %s'
                                                 % (method, shown, attempt, reason)),
                         arrived=not _did_not_arrive(exc))
        except (requests.exceptions.RequestException, ValueError) as exc:
            # Invalid URL, invalid schema, too many redirects...: trying again changes nothing.
            raise WorkspaceTransportError('%s %s failed: %s: %s' % (
                method, shown, exc.__class__.__name__, self._scrub(_transport_reason(exc))), retryable=False)

    def iter_body(self, response, deadline, limit=None, url=None):
        """The body of a streamed response in chunks, each read bounded by the absolute deadline.

        urllib3 bounds each socket read by the read time-out only; a server trickling one byte at a time
        would keep a plain read going for ever. limit (bytes) ends the read with an error when passed.
        """
        method = response.request.method if response.request is not None else 'GET'
        url = url or response.url
        raw = response.raw
        size = 0
        declared = response.headers.get('Content-Length', '')
        if limit is not None and declared.isdigit() and int(declared) > limit:
            raise _BodyError(method, url, 'the answer is %s bytes, more than the %d allowed' % (declared, limit),
                             retryable=False)
        read = getattr(raw, 'read1', raw.read)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _BodyError(method, url, 'timed out reading the answer (%d bytes read)' % size)
            sock = getattr(getattr(raw, 'connection', None), 'sock', None)
            if sock is not None:
                sock.settimeout(remaining)
            try:
                chunk = read(READ_CHUNK, decode_content=True)
            except (Urllib3Error, requests.exceptions.RequestException, OSError) as exc:
                if _timed_out(exc):
                    raise _BodyError(method, url, 'timed out reading the answer (%d bytes read)' % size)
                raise _BodyError(method, url, 'the connection broke while reading the answer: %s'
                                 % self._scrub(_transport_reason(exc)))
            if not chunk:
                return
            size += len(chunk)
            if limit is not None and size > limit:
                raise _BodyError(method, url, 'the answer is more than the %d bytes allowed' % limit, retryable=False)
            yield chunk

    def _read(self, response, method, url, ends, attempt):
        """The whole body under the attempt's deadline and the size ceiling; a drop or stall may be retried."""
        try:
            return b''.join(self.iter_body(response, ends, MAX_ANSWER_BYTES, url))
        except _BodyError as exc:
            if not exc.retryable:
                raise
            raise _Retry(WorkspaceTransportError('%s %s failed after %d attempt(s): %s' % (method, url, attempt, exc.reason)))

    def _api_error(self, method, url, response, content, attempts):
        request_id = response.headers.get('X-Request-Id')
        try:
            body = json.loads(content.decode('utf-8')) if content else None
        except ValueError:
            body = None
        code, message, body_request_id = _error_fields(body)
        details = [] if body is not None else ['body: %s' % self._scrub(
            _excerpt(content.decode('utf-8', 'replace') or '(empty)'))]
        if attempts > 1:
            details.append('gave up after %d attempts' % attempts)
        return WorkspaceApiError(method, url, response.status_code, code, self._scrub(message),
                                 request_id or body_request_id, '; '.join(details) or None)

    def _decode(self, method, url, response, content):
        if not content.strip():
            return {}
        try:
            body = json.loads(content.decode('utf-8'))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise WorkspaceApiError(method, url, response.status_code, request_id=response.headers.get('X-Request-Id'),
                                    detail='the answer is not a JSON object: %s'
                                           % self._scrub(_excerpt(content.decode('utf-8', 'replace'))))
        return body

    def open_external(self, url, deadline=None):
        """A streamed GET of a pre-signed object-storage URL, with no credential header at all.

        Its own session (the same TLS settings): nothing of the Workspace session can leak into it.
        Returns the open requests.Response (status < 400; close it). Errors name the URL without its query.
        """
        shown = _public_url(url)
        _check_url('GET', url, shown)
        with self._external_lock:
            if self._external_session is None:
                self._external_session = _new_session(max(self.connection.concurrency, 1))
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.throttle.slot(deadline):
                    ends = self._attempt_deadline('GET', shown, deadline)
                    response = self._send(self._external_session, 'GET', url, {}, b'', ends, attempt,
                                          allow_redirects=True)
                    if response.status_code < 400:
                        return response
                    try:
                        content = self._read(response, 'GET', shown, ends, attempt)
                    finally:
                        response.close()
                    error = self._api_error('GET', shown, response, content, attempt)
                    if response.status_code not in RETRYABLE_STATUSES:
                        raise error
                    raise _Retry(error, retry_after=parse_retry_after(response.headers.get('Retry-After')))
            except _Retry as retry:
                self._wait_before_retry(retry, attempt, deadline, idempotent=True)
