# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The HTTP client: one requests.Session, signed (or token) GETs, retries, error mapping."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
import traceback

REQUESTS_IMPORT_ERROR = None
try:
    import requests
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

COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'hwcloud.workspace/%s (Ansible collection)' % COLLECTION_VERSION
# Longest error body text quoted in a message: enough to recognise an HTML error page.
BODY_EXCERPT = 200


def _excerpt(text):
    text = ' '.join(text.split())
    return text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + '...'


def _transport_reason(exc):
    """The innermost cause of a requests exception, as a person reads it ("... Connection refused")."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(exc.args) if isinstance(arg, BaseException)), None)
        if inner is None:
            break
        exc = inner
    text = str(exc) or exc.__class__.__name__
    # urllib3 starts with "HTTPConnectionPool(host=..., port=...): ", which the URL already says.
    if text.startswith('HTTP') and '): ' in text:
        text = text.split('): ', 1)[1]
    return _excerpt(text)


def _error_fields(body):
    """(error_code, error_msg, request_id) from the error shapes Huawei Cloud services answer with."""
    if not isinstance(body, dict):
        return None, None, None
    nested = body.get('error') if isinstance(body.get('error'), dict) else {}  # IAM's {"error": {...}}
    code = body.get('error_code') or nested.get('error_code') or nested.get('code')
    message = body.get('error_msg') or nested.get('error_msg') or nested.get('message')
    return (None if code is None else str(code)), message, body.get('request_id')


class WorkspaceClient:
    """Sends GET requests for one module or lookup run, over one keep-alive session."""

    def __init__(self, connection, session=None, sleep=time.sleep, retry_policy=None):
        if requests is None:
            raise WorkspaceConfigError('The Python library requests is required: pip install requests')
        self.connection = connection
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.verify = connection.validate_certs
        self.sleep = sleep
        self.retry_policy = retry_policy or RetryPolicy(connection.retries)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _auth_headers(self, method, url, project_id):
        conn = self.connection
        if conn.auth_token:
            return {'X-Auth-Token': conn.auth_token}
        headers = {}
        if project_id:
            headers['X-Project-Id'] = project_id
        if conn.security_token:
            headers['X-Security-Token'] = conn.security_token
        return _signing.sign(method, url, headers, b'', conn.access_key, conn.secret_key)

    def get_json(self, base_url, path, params=(), project_id=None):
        """GET base_url + path with the query params (pairs); returns the decoded JSON object.

        project_id, when given, is sent (and signed) as X-Project-Id, as the SDK does for regional APIs.
        """
        query = _signing.canonical_query_string(params)
        url = base_url + path + ('?' + query if query else '')
        attempt = 0
        while True:
            attempt += 1
            # Signed anew for each attempt: X-Sdk-Date must be fresh.
            headers = self._auth_headers('GET', url, project_id)
            try:
                response = self.session.get(url, headers=headers, timeout=self.connection.timeout)
            except requests.exceptions.SSLError as exc:
                raise WorkspaceTransportError('GET %s failed: TLS error: %s (validate_certs is %s)'
                                              % (url, _transport_reason(exc), self.connection.validate_certs))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                delay = self.retry_policy.delay(attempt)
                if delay is None:
                    raise WorkspaceTransportError('GET %s failed after %d attempt(s): %s' % (url, attempt, _transport_reason(exc)))
                self.sleep(delay)
                continue
            if response.status_code in RETRYABLE_STATUSES:
                delay = self.retry_policy.delay(attempt, parse_retry_after(response.headers.get('Retry-After')))
                if delay is not None:
                    response.close()
                    self.sleep(delay)
                    continue
            return self._decode(response, url, attempt)

    def _decode(self, response, url, attempts):
        request_id = response.headers.get('X-Request-Id')
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            code, message, body_request_id = _error_fields(body)
            details = [] if body is not None else ['body: %s' % _excerpt(response.text or '(empty)')]
            if attempts > 1:
                details.append('gave up after %d attempts' % attempts)
            raise WorkspaceApiError('GET', url, response.status_code, code, message,
                                    request_id or body_request_id, '; '.join(details) or None)
        if not isinstance(body, dict):
            raise WorkspaceApiError('GET', url, response.status_code, request_id=request_id,
                                    detail='the answer is not a JSON object: %s' % _excerpt(response.text or '(empty)'))
        return body
