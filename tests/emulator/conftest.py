# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Fixtures of the emulator's own tests: a scratch emulator and a client that signs with the official SDK's signer."""

import datetime
import json
import urllib.parse

import pytest
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

# tests/conftest.py puts the repository root on sys.path.
from tools.workspace_emulator.auth import DATE_FORMAT
from tools.workspace_emulator.testing import EmulatorProcess


def query_string(params):
    """The query as the SDK sends it: pairs sorted, percent-encoded, booleans in lower case, a list one pair per item."""
    pairs = []
    for name, value in params:
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
    return '&'.join('%s=%s' % (urllib.parse.quote(name, safe='~'), urllib.parse.quote(value, safe='~')) for name, value in sorted(pairs))


def sdk_sign(method, url, headers, body, access_key, secret_key, now=None):
    """The headers of a request to url (its query as query_string makes it) signed by huaweicloudsdkcore's Signer."""
    parts = urllib.parse.urlsplit(url)
    headers = dict(headers)
    # Given, not left to the Signer, which would take it from the deprecated datetime.utcnow().
    headers['X-Sdk-Date'] = (now or datetime.datetime.now(datetime.timezone.utc)).strftime(DATE_FORMAT)
    request = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
                         query_params=urllib.parse.parse_qsl(parts.query, keep_blank_values=True), header_params=headers, body=body)
    return Signer(BasicCredentials(access_key, secret_key)).sign(request).header_params


@pytest.fixture(scope='module')
def scratch_emulator():
    with EmulatorProcess() as emulator:
        yield emulator


@pytest.fixture
def scratch(scratch_emulator):
    """An emulator for tests that add tasks, inject faults or read the request log; both start empty."""
    scratch_emulator.clear_faults()
    scratch_emulator.inject([{'latency_ms': 0}, {'latency_jitter_ms': 0}])
    scratch_emulator.clear_log()
    scratch_emulator.clear_storage_log()
    return scratch_emulator


@pytest.fixture(scope='module')
def http_session():
    session = requests.Session()
    session.trust_env = False  # talk to 127.0.0.1 directly, whatever proxy the environment names
    yield session
    session.close()


class ApiClient:
    """Requests to an emulator, signed by the official SDK's signer, by token, or not at all."""

    def __init__(self, session, emulator):
        self.session = session
        self.emulator = emulator

    def url(self, path, params=()):
        query = query_string(list(params.items()) if isinstance(params, dict) else list(params))
        return self.emulator.url + path + ('?' + query if query else '')

    def tasks_path(self, project_id=None):
        return '/v2/%s/export-tasks' % (project_id or self.emulator.project_id)

    def signed(self, path, params=(), signed_headers=None, extra_headers=None, with_project=True, access_key=None, secret_key=None, now=None,
               method='GET', body=None, **request_options):
        """A request signed like the official SDK signs it; body: a JSON-serialisable document, or bytes."""
        url = self.url(path, params)
        headers = {'X-Project-Id': self.emulator.project_id} if with_project else {}
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json;charset=UTF-8'
        headers.update(signed_headers or {})
        headers = sdk_sign(method, url, headers, body or b'', access_key or self.emulator.access_key, secret_key or self.emulator.secret_key,
                           now=now)
        headers.update(extra_headers or {})
        request_options.setdefault('timeout', 10)
        return self.session.request(method, url, headers=headers, data=body, **request_options)

    def list_tasks(self, **params):
        response = self.signed(self.tasks_path(), params)
        assert response.status_code == 200, response.text
        return response.json()

    def with_token(self, path, params=(), token=None, **request_options):
        request_options.setdefault('timeout', 10)
        return self.session.get(self.url(path, params), headers={'X-Auth-Token': token or self.emulator.token}, **request_options)

    def unsigned(self, path, params=(), headers=None):
        return self.session.get(self.url(path, params), headers=headers or {}, timeout=10)


@pytest.fixture
def api_for(http_session):
    """ApiClient(emulator) for an emulator of the test's own."""
    return lambda emulator: ApiClient(http_session, emulator)


@pytest.fixture
def scratch_api(http_session, scratch):
    return ApiClient(http_session, scratch)
