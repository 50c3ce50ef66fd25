# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Our signer against the official SDK's Signer, header for header."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import random
import string

import pytest

from hypothesis import given, settings, strategies as st

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.client import Client
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from ansible_collections.hwcloud.workspace.plugins.module_utils import _signing

AK = 'HPUAEXAMPLEACCESSKEY'
SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
DATE = '20261128T093000Z'

TRICKY_VALUES = ['with space', u'ünïcödé 导出', 'a+b', 'a/b', 'tilde~', 'x=y', 'amp&er', 'percent%20', '', '*',
                 "quote'\"", 'semi;colon', 'hash#', True, False, 0, 100, 'CREATING']


def official(method, host, path, query, headers, body=b''):
    request = SdkRequest(method=method, schema='https', host=host, resource_path=path,
                         query_params=list(query), header_params=dict(headers), body=body)
    signed = Signer(BasicCredentials(AK, SK)).sign(request)
    return signed.header_params['Authorization'], signed.uri


def ours(method, host, path, query, headers, body=b''):
    canonical = _signing.canonical_query_string(query)
    url = 'https://%s%s%s' % (host, path, '?' + canonical if canonical else '')
    signed = _signing.sign(method, url, headers, body, AK, SK)
    return signed['Authorization'], path + ('?' + canonical if canonical else '')


def random_case(rng):
    names = ['file_name', 'task_id', 'status', 'is_download', 'sort_field', 'sort_type', 'offset', 'limit', 'name']
    query = [(name, rng.choice(TRICKY_VALUES)) for name in rng.sample(names, rng.randint(0, len(names)))]
    project = ''.join(rng.choice(string.hexdigits.lower()) for dummy in range(32))
    headers = {'X-Sdk-Date': DATE, 'X-Project-Id': project}
    if rng.random() < 0.3:
        headers['X-Security-Token'] = ''.join(rng.choice(string.ascii_letters + '+/=') for dummy in range(60))
    host = rng.choice(['workspace.cn-north-4.myhuaweicloud.com', '127.0.0.1:8443', 'iam.ap-southeast-1.myhuaweicloud.com'])
    path = rng.choice(['/v2/%s/export-tasks' % project, '/v3/projects', '/v2/%s/export-tasks/' % project])
    return host, path, query, headers


@pytest.mark.parametrize('seed', range(200))
def test_authorization_matches_official_sdk(seed):
    host, path, query, headers = random_case(random.Random(seed))
    assert ours('GET', host, path, query, headers) == official('GET', host, path, query, headers)


@pytest.mark.parametrize('value', TRICKY_VALUES)
def test_each_tricky_query_value(value):
    host, path, headers = 'workspace.cn-north-4.myhuaweicloud.com', '/v2/p/export-tasks', {'X-Sdk-Date': DATE}
    query = [('file_name', value), ('status', 'FAIL')]
    assert ours('GET', host, path, query, headers) == official('GET', host, path, query, headers)


def test_body_is_hashed_like_the_sdk():
    host, path, headers = 'iam.cn-north-4.myhuaweicloud.com', '/v3/projects', {'X-Sdk-Date': DATE, 'Content-Type': 'application/json'}
    body = b'{"a": 1}'
    assert ours('POST', host, path, [], headers, body)[0] == official('POST', host, path, [], headers, body)[0]


def test_booleans_are_lowercase_on_the_wire():
    assert _signing.canonical_query_string([('is_download', True), ('a', False)]) == 'a=false&is_download=true'


def test_date_header_added_in_utc_basic_format():
    now = datetime.datetime(2026, 11, 28, 9, 30, 0, tzinfo=datetime.timezone.utc)
    headers = _signing.sign('GET', 'https://h/v2/p/export-tasks', {}, b'', AK, SK, now=now)
    assert headers['X-Sdk-Date'] == DATE
    assert headers['Host'] == 'h'
    assert headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-date, Signature=' % AK)


# --- JSON bodies, and the agreement as a property ----------------------------------------------------------------

def sdk_json_body(value):
    """The body text the official SDK's client sends for a model or dict body."""
    return Client._parse_body(value)  # pylint: disable=protected-access


JSON_SCALARS = st.none() | st.booleans() | st.integers(-2 ** 53, 2 ** 53) | st.text()
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(st.text(), inner, max_size=4), max_leaves=12)
JSON_BODIES = st.dictionaries(st.text(), JSON_VALUES, min_size=1, max_size=6)
# Printable text: no control characters (a URL cannot carry them raw), anything else goes.
PRINTABLE = st.text(st.characters(blacklist_categories=('Cc', 'Cs')))
PATH_SEGMENT = st.text(st.characters(blacklist_categories=('Cc', 'Cs'), blacklist_characters='/?#%'), min_size=1)


def test_post_json_body_matches_the_sdk():
    host, path = 'workspace.cn-north-4.myhuaweicloud.com', '/v3/p/users/export'
    body = {'user_names': ['alice', u'bö 导出'], 'active_type': 'ACTIVE', 'description': None, 'offset': 0}
    headers = {'X-Sdk-Date': DATE, 'Content-Type': 'application/json', 'X-Project-Id': 'p'}
    assert _signing.json_body(body) == sdk_json_body(body).encode('utf-8')
    assert ours('POST', host, path, [], headers, _signing.json_body(body)) == \
        official('POST', host, path, [], headers, sdk_json_body(body))


@settings(max_examples=200, deadline=None)
@given(body=JSON_BODIES)
def test_json_bodies_are_the_sdks_bytes(body):
    assert _signing.json_body(body) == sdk_json_body(body).encode('utf-8')


@settings(max_examples=200, deadline=None)
@given(method=st.sampled_from(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get', 'post']),
       segments=st.lists(PATH_SEGMENT, min_size=1, max_size=4), trailing_slash=st.booleans(),
       query=st.lists(st.tuples(st.sampled_from(['file_name', 'task_id', 'status', 'name', 'limit', 'offset']),
                                PRINTABLE | st.booleans() | st.integers(0, 1000)), max_size=5, unique_by=lambda pair: pair[0]),
       body=st.none() | JSON_BODIES, token=st.none() | st.text(string.ascii_letters + string.digits + '+/=', min_size=1))
def test_signature_agrees_with_the_sdk(method, segments, trailing_slash, query, body, token):
    host = 'workspace.cn-north-4.myhuaweicloud.com'
    path = '/' + '/'.join(segments) + ('/' if trailing_slash else '')
    headers = {'X-Sdk-Date': DATE, 'X-Project-Id': '0123456789abcdef'}
    if token:
        headers['X-Security-Token'] = token
    if body is not None:
        headers['Content-Type'] = 'application/json'
    our_body = b'' if body is None else _signing.json_body(body)
    sdk_body = None if body is None else sdk_json_body(body)
    assert ours(method, host, path, query, headers, our_body) == official(method, host, path, query, headers, sdk_body)
