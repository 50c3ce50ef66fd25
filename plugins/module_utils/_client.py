# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The transport: every byte the collection sends or receives goes through WorkspaceClient.

One pooled requests.Session for the Workspace and IAM endpoints (signed or token requests), another without
any credential for object-storage links, and for both one retry loop, one throttle, one deadline policy and
one error mapping: JSON answers (request) and files (download) alike.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
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

from ansible_collections.hwcloud.workspace.plugins.module_utils import _links, _signing
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    parse_retry_after,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values
from ansible_collections.hwcloud.workspace.plugins.module_utils._throttle import Throttle

COLLECTION_VERSION = '2.0.0'
USER_AGENT = 'hwcloud.workspace/%s (Ansible collection)' % COLLECTION_VERSION
# Longest error body text quoted in a message: enough to recognise an HTML error page.
BODY_EXCERPT = 200
# An answer larger than this is refused: no list page comes near it, and memory must not fill up.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# A JSON answer that points at a file is small; more than this is not a link.
MAX_LINK_ANSWER = 64 * 1024
# Keys under which a JSON answer may carry the link to a file (the SDK's download_url first).
LINK_KEYS = ('download_url', 'url', 'download_link', 'file_url')
# Redirects object storage may send a download through before the file.
MAX_LINK_HOPS = 5
READ_CHUNK = 64 * 1024
# A download must bring this many bytes (or its end) within every `timeout` seconds: a stalled or trickling
# body fails, a big file on a slow link does not.
PROGRESS_BYTES = 64 * 1024
# Statuses that a request which must not be repeated may still be retried after: the service did not act.
NOT_ACTED_STATUSES = frozenset((429, 503))
# What an object-storage error body may say that a message can show (never the rest: it quotes signatures).
_STORAGE_ERROR_FIELDS = (('error_code', 'Code'), ('error_msg', 'Message'), ('request_id', 'RequestId'))


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


def _storage_error_fields(content):
    """error_code, error_msg and request_id of an object-storage XML error, each a short plain value."""
    text = content.decode('utf-8', 'replace')
    fields = {}
    for name, tag in _STORAGE_ERROR_FIELDS:
        match = re.search(r'<%s>([^<]{1,%d})</%s>' % (tag, BODY_EXCERPT, tag), text)
        fields[name] = ' '.join(match.group(1).split()) if match else None
    return fields


def _json(content):
    """The JSON value of content, or None when it is not JSON this reader can take (also nested too deep)."""
    try:
        return json.loads(content.decode('utf-8'))
    except (ValueError, RecursionError):
        return None


def _link_in(content):
    """The link to the file that a whole answer holds, when it is a JSON object with one (LINK_KEYS); else None."""
    if not content.lstrip().startswith(b'{'):
        return None
    body = _json(content)
    return next((body[key] for key in LINK_KEYS if isinstance(body, dict) and isinstance(body.get(key), str)), None)


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
    session.headers['Accept-Encoding'] = 'identity'  # the size ceiling and byte counts are of what reaches us
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    return session


def _location_host(location):
    """The host[:port] a Location header points at, for a message (without any user:password@)."""
    try:
        netloc = urlsplit(location or '').netloc
    except ValueError:
        return 'an invalid Location'
    return _excerpt(netloc.rpartition('@')[2]) or 'the same host'


def _check_url(method, url, shown):
    """An error naming url when it cannot be requested at all (the signer and requests would raise otherwise)."""
    try:
        parts = urlsplit(url)
        # .port raises ValueError for a port out of range, as urlsplit does for a broken IPv6 address.
        valid = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname) and (parts.port or 0) >= 0
        reason = 'not an http(s) URL'
    except ValueError as exc:
        valid, reason = False, str(exc)
    if not valid:
        raise WorkspaceTransportError('%s %s failed: invalid URL: %s' % (method, shown, reason), retryable=False)


class _Retry(Exception):
    """One attempt failed in a way that another attempt may fix."""

    def __init__(self, error, arrived=True, retry_after=None, throttled=False):
        super(_Retry, self).__init__(str(error))
        self.error = error
        self.arrived = arrived  # the service may have acted on the request
        self.retry_after = retry_after
        self.throttled = throttled  # the API asked every worker of this run to slow down


class _Link(object):
    """An answer that points elsewhere for the file: a redirect's Location or a JSON answer's link."""

    def __init__(self, status, location):
        self.status = status
        self.location = location


class _Request(object):
    """One request as every attempt sends it: to the API (signed anew each time) or to a link (no credential)."""

    def __init__(self, method, url, session, sign=None, payload=b''):
        self.method = method
        self.url = url
        self.session = session
        self.sign = sign
        self.payload = payload
        self.external = sign is None
        # A link's query is its signature: messages name links without it.
        self.shown = _links.public_url(url) if self.external else url

    def headers(self):
        return self.sign() if self.sign else {}


class WorkspaceClient:
    """Sends the requests of one module or lookup run; thread-safe.

    throttle bounds the requests in flight (connection.concurrency) and holds every request back, downloads
    and object storage included, when the API throttles.
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
        # Links to object storage get a session of their own (made on first use): no Workspace header can leak.
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

    def _api_request(self, method, base_url, path, params, body, project_id):
        method = method.upper()
        query = _signing.canonical_query_string(params)
        url = base_url + path + ('?' + query if query else '')
        payload = b'' if body is None else _signing.json_body(body)
        _check_url(method, url, url)
        # Signed anew for each attempt: X-Sdk-Date must be fresh.
        return _Request(method, url, self.session, payload=payload,
                        sign=lambda: self._auth_headers(method, url, project_id, payload))

    def _link_request(self, url):
        with self._external_lock:
            if self._external_session is None:
                self._external_session = _new_session(max(self.connection.concurrency, 1))
        request = _Request('GET', url, self._external_session)
        _check_url('GET', url, request.shown)
        return request

    def request(self, method, base_url, path, params=(), body=None, project_id=None, idempotent=None, deadline=None):
        """Send a signed request; returns the decoded JSON object ({} for an empty 2xx body).

        params are (name, value) pairs (a name may repeat); body is sent as JSON. project_id, when given, is
        sent (and signed) as X-Project-Id, as the SDK does for regional APIs. idempotent (default: every method
        but POST) allows retries after time-outs, drops and 5xx; a request that is not idempotent is retried
        only when it certainly did not reach the service (connection refused, 429, 503). deadline is an
        absolute time.monotonic() value that no attempt and no retry wait goes beyond. Redirects are never
        followed.
        """
        if idempotent is None:
            idempotent = method.upper() != 'POST'
        target = self._api_request(method, base_url, path, params, body, project_id)
        return self._exchange(target, self._read_json, idempotent, deadline)

    def download(self, base_url, path, sink, project_id=None, deadline=None):
        """GET a file into sink, whichever way the service hands it out: the body itself, a redirect (Location)
        or a JSON answer holding a link. Links are checked by _links.follow and fetched with no credential.

        sink has restart() (called before each attempt's first byte) and write(chunk); an error it raises
        ends the download as it is. Every wait for the next PROGRESS_BYTES of the body is bounded by the
        connection's timeout (a stalled body fails without a retry); a body cut short is fetched again from its
        start, up to the connection's retries.
        """
        def read(response, target, attempt, ends):
            return self._read_file(response, target, attempt, ends, sink)

        target = self._api_request('GET', base_url, path, (), None, project_id)
        found = self._exchange(target, read, True, deadline)
        for dummy in range(MAX_LINK_HOPS + 1):
            if found is None:
                return
            try:
                url = _links.follow(found.location, target.url, self.connection.endpoint)
            except _links.RefusedLink as exc:
                raise WorkspaceApiError('GET', target.shown, found.status, detail='the download link is refused: %s'
                                        % exc) from None
            target = self._link_request(url)
            found = self._exchange(target, read, True, deadline)
        raise WorkspaceApiError('GET', target.shown, found.status, detail='more than %d redirects before the file'
                                % MAX_LINK_HOPS)

    def _exchange(self, target, read, idempotent, deadline):
        """The one retry loop: attempts of target, each holding a throttle slot; read(response, target, attempt,
        ends) makes the result of an answer below 400."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.throttle.slot(deadline):
                    return self._attempt(target, read, attempt, deadline)
            except _Retry as retry:
                self._wait_before_retry(retry, attempt, deadline, idempotent)

    def _wait_before_retry(self, retry, attempt, deadline, idempotent):
        """Sleep (or hold back every worker) before the next attempt, or raise retry's error."""
        retry.error.arrived = retry.arrived
        if not idempotent and retry.arrived:
            raise retry.error
        delay = self.retry_policy.delay(attempt, retry.retry_after)
        if delay is None or (deadline is not None and time.monotonic() + delay >= deadline):
            raise retry.error
        if retry.throttled:
            self.throttle.throttled(delay)
        else:
            self.sleep(delay)

    def _attempt_deadline(self, target, deadline):
        """When this attempt must have its whole answer: timeout from now, or the caller's deadline if sooner."""
        now = time.monotonic()
        ends = now + self.connection.timeout
        if deadline is not None and deadline < ends:
            if deadline <= now:
                raise WorkspaceTransportError('%s %s not sent: timed out (the deadline passed)' % (target.method, target.shown))
            ends = deadline
        return ends

    def _attempt(self, target, read, attempt, deadline):
        ends = self._attempt_deadline(target, deadline)
        response = self._send(target, ends, attempt)
        try:
            status = response.status_code
            if status in RETRYABLE_STATUSES:
                retry_after = parse_retry_after(response.headers.get('Retry-After'))
                error = self._error(target, response, self._read_all(response, target, ends, attempt), attempt)
                raise _Retry(error, arrived=status not in NOT_ACTED_STATUSES, retry_after=retry_after,
                             throttled=status == 429 or (status == 503 and retry_after is not None))
            if status >= 400:
                raise self._error(target, response, self._read_all(response, target, ends, attempt), attempt)
            return read(response, target, attempt, ends)
        except WorkspaceError as exc:
            # Answered: the service acted unless it refused the request (a 4xx, or a status that says it did not act).
            exc.arrived = status < 400 or (status >= 500 and status not in NOT_ACTED_STATUSES)
            raise
        finally:
            response.close()

    def _send(self, target, ends, attempt):
        """Send and read the status line and headers; failures become errors naming the URL."""
        remaining = max(ends - time.monotonic(), 0.001)
        method, shown = target.method, target.shown
        try:
            return target.session.request(method, target.url, headers=target.headers(), data=target.payload or None,
                                          timeout=(remaining, remaining), verify=self.connection.verify,
                                          allow_redirects=False, stream=True)
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
            raise _Retry(WorkspaceTransportError('%s %s failed after %d attempt(s): %s' % (method, shown, attempt, reason)),
                         arrived=not _did_not_arrive(exc))
        except (requests.exceptions.RequestException, ValueError) as exc:
            # Invalid URL, invalid schema...: trying again changes nothing.
            raise WorkspaceTransportError('%s %s failed: %s: %s' % (
                method, shown, exc.__class__.__name__, self._scrub(_transport_reason(exc))), retryable=False)

    def _chunks(self, response, target, attempt, ends=None):
        """The body in chunks. With ends (absolute), the whole body must arrive by then; without, every
        PROGRESS_BYTES of it must arrive within the connection's timeout.

        urllib3 bounds each socket read by the read time-out only, so a server trickling one byte at a time
        would keep a plain read going for ever: the socket's time-out is set to what is left before each read.
        A stall ends with a transport error that is not retried; a broken connection with a _Retry.
        """
        raw = response.raw
        read = getattr(raw, 'read1', raw.read)
        received = progress_mark = 0
        window_ends = ends if ends is not None else time.monotonic() + self.connection.timeout
        while True:
            remaining = window_ends - time.monotonic()
            if remaining <= 0:
                raise self._stalled(target, attempt, received, whole=ends is not None)
            sock = getattr(getattr(raw, 'connection', None), 'sock', None)
            if sock is not None:
                sock.settimeout(remaining)
            try:
                chunk = read(READ_CHUNK, decode_content=True)
            except (Urllib3Error, requests.exceptions.RequestException, OSError) as exc:
                if _timed_out(exc):
                    raise self._stalled(target, attempt, received, whole=ends is not None)
                raise _Retry(WorkspaceTransportError('%s %s failed after %d attempt(s): the connection broke after %d '
                                                     'bytes of the answer: %s' % (target.method, target.shown, attempt,
                                                                                  received,
                                                                                  self._scrub(_transport_reason(exc)))))
            if not chunk:
                return
            received += len(chunk)
            if ends is None and received - progress_mark >= PROGRESS_BYTES:
                progress_mark, window_ends = received, time.monotonic() + self.connection.timeout
            yield chunk

    def _stalled(self, target, attempt, received, whole):
        if whole:
            # An API answer is small: its deadline passing is worth another attempt.
            return _Retry(WorkspaceTransportError('%s %s failed after %d attempt(s): timed out reading the answer '
                                                  '(%d bytes read)' % (target.method, target.shown, attempt, received)))
        return WorkspaceTransportError('%s %s failed: the download stalled: less than %d KiB arrived in %g s (timeout) '
                                       'after %d bytes' % (target.method, target.shown, PROGRESS_BYTES // 1024,
                                                           self.connection.timeout, received), retryable=False)

    def _read_all(self, response, target, ends, attempt, limit=MAX_ANSWER_BYTES):
        """The whole body under the attempt's deadline and a size ceiling."""
        declared = response.headers.get('Content-Length', '')
        too_big = WorkspaceTransportError('%s %s failed: the answer is more than the %d bytes allowed'
                                          % (target.method, target.shown, limit), retryable=False)
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        content = bytearray()
        for chunk in self._chunks(response, target, attempt, ends):
            content += chunk
            if len(content) > limit:
                raise too_big
        return bytes(content)

    def _read_json(self, response, target, attempt, ends):
        if 300 <= response.status_code < 400:
            raise WorkspaceApiError(target.method, target.shown, response.status_code,
                                    request_id=response.headers.get('X-Request-Id'),
                                    detail='redirect to %s not followed (credentials are only sent to the endpoint)'
                                           % _location_host(response.headers.get('Location')))
        return self._decode(target, response, self._read_all(response, target, ends, attempt))

    def _read_file(self, response, target, attempt, ends, sink):
        """What an answer gives for a download: a _Link to follow, or None once the body is in sink."""
        if 300 <= response.status_code < 400:
            location = response.headers.get('Location')
            if not location:
                raise WorkspaceApiError(target.method, target.shown, response.status_code,
                                        detail='a redirect without Location')
            return _Link(response.status_code, location)
        chunks = self._chunks(response, target, attempt)
        head = b''
        if not target.external:
            # Judged by content, not by its label (a gateway may label the file application/json): a link
            # document is a small JSON object holding a link; anything else is the file. Only a body that
            # starts like a JSON object is read further, and no more than MAX_LINK_ANSWER of it.
            for chunk in chunks:
                head += chunk
                start = head.lstrip()
                if start and not start.startswith(b'{') or len(head) > MAX_LINK_ANSWER:
                    break
            else:
                link = _link_in(head)
                if link is not None:
                    return _Link(response.status_code, link)
        sink.restart()
        if head:
            sink.write(head)
        for chunk in chunks:
            sink.write(chunk)
        return None

    def _error(self, target, response, content, attempts):
        """The WorkspaceApiError for an error answer; of object storage only its code, message and request id."""
        if target.external:
            fields = _storage_error_fields(content)
            error = WorkspaceApiError(target.method, target.shown, response.status_code, fields['error_code'],
                                      self._scrub(fields['error_msg']), fields['request_id'],
                                      'gave up after %d attempts' % attempts if attempts > 1 else None)
            return error
        body = _json(content) if content else None
        code, message, body_request_id = _error_fields(body)
        details = [] if body is not None else ['body: %s' % self._scrub(
            _excerpt(content.decode('utf-8', 'replace') or '(empty)'))]
        if attempts > 1:
            details.append('gave up after %d attempts' % attempts)
        return WorkspaceApiError(target.method, target.shown, response.status_code, code, self._scrub(message),
                                 response.headers.get('X-Request-Id') or body_request_id, '; '.join(details) or None)

    def _decode(self, target, response, content):
        if not content.strip():
            return {}
        body = _json(content)
        if not isinstance(body, dict):
            raise WorkspaceApiError(target.method, target.shown, response.status_code,
                                    request_id=response.headers.get('X-Request-Id'),
                                    detail='the answer is not a JSON object it can read: %s'
                                           % self._scrub(_excerpt(content.decode('utf-8', 'replace'))))
        return body
