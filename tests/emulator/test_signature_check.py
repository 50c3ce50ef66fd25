# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The emulator's signature check (its own code, tools/workspace_emulator/auth.py) held to the official SDK's Signer."""

import email.message
import string
import urllib.parse

from hypothesis import given, settings, strategies as st

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

# tests/conftest.py puts the repository root on sys.path.
from tools.workspace_emulator.auth import expected_signature, parse_authorization

AK = 'HPUAEXAMPLEACCESSKEY'
SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
DATE = '20261128T093000Z'
PRINTABLE = st.text(st.characters(blacklist_categories=('Cc', 'Cs')))
PATH_SEGMENT = st.text(st.characters(blacklist_categories=('Cc', 'Cs'), blacklist_characters='/?#%'), min_size=1)


def received(method, path, query, headers, body):
    """What the emulator sees of a request the SDK signed: its raw path and query, its headers, its body."""
    request = SdkRequest(method=method, schema='https', host='127.0.0.1:8443', resource_path=path, query_params=list(query),
                         header_params=dict(headers), body=body)
    signed = Signer(BasicCredentials(AK, SK)).sign(request)
    message = email.message.Message()  # case-insensitive, like http.server's headers
    for name, value in signed.header_params.items():
        message[name] = value
    raw_path, _, raw_query = signed.uri.partition('?')
    return urllib.parse.quote(raw_path, safe='/'), raw_query, message


@settings(max_examples=200, deadline=None)
@given(method=st.sampled_from(['GET', 'POST', 'DELETE']), segments=st.lists(PATH_SEGMENT, min_size=1, max_size=4),
       trailing_slash=st.booleans(),
       query=st.lists(st.tuples(st.sampled_from(['file_name', 'computer_names', 'status', 'limit']),
                                PRINTABLE | st.booleans() | st.integers(0, 1000) | st.lists(PRINTABLE, min_size=1, max_size=3)),
                      max_size=5, unique_by=lambda pair: pair[0]),
       body=st.none() | st.binary(min_size=1, max_size=64),
       token=st.none() | st.text(string.ascii_letters + string.digits + '+/=', min_size=1))
def test_what_the_sdk_signs_verifies(method, segments, trailing_slash, query, body, token):
    headers = {'X-Sdk-Date': DATE, 'X-Project-Id': '0123456789abcdef'}
    if token:
        headers['X-Security-Token'] = token
    if body is not None:
        headers['Content-Type'] = 'application/json'
    raw_path, raw_query, message = received(method, '/' + '/'.join(segments) + ('/' if trailing_slash else ''), query, headers, body)
    access, signed_names, signature = parse_authorization(message['Authorization'])
    assert access == AK
    assert expected_signature(SK, method, raw_path, raw_query, message, signed_names, body) == signature
    assert expected_signature(SK + 'x', method, raw_path, raw_query, message, signed_names, body) != signature
    assert expected_signature(SK, method, raw_path, raw_query + '&extra=1', message, signed_names, body) != signature


def test_parse_authorization():
    assert parse_authorization('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ab12') == (
        'AK', ['host', 'x-sdk-date'], 'ab12')
    assert parse_authorization('Bearer x') is None
    assert parse_authorization('SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=1') is None
    assert parse_authorization(None) is None
