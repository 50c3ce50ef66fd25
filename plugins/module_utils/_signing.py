# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""SDK-HMAC-SHA256 request signing, as the official Huawei Cloud SDKs do it.

Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac
import json

from urllib.parse import quote, unquote, urlsplit

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_HEADER = 'X-Sdk-Date'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'
EMPTY_PAYLOAD_HASH = hashlib.sha256(b'').hexdigest()


def _encode(value):
    return quote(value, safe='~')


def query_value(value):
    """The text the SDK puts in a query string for value: booleans are true/false."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def canonical_query_string(params):
    """Sorted, percent-encoded query; params is a list of (name, value) pairs.

    The same string is sent on the wire, so the signed and the sent query never differ.
    """
    pairs = sorted((str(name), query_value(value)) for name, value in params)
    return '&'.join('%s=%s' % (_encode(name), _encode(value)) for name, value in pairs)


def canonical_uri(path):
    encoded = '/'.join(_encode(segment) for segment in unquote(path).split('/'))
    return encoded if encoded.endswith('/') else encoded + '/'


def signed_header_names(headers):
    # Like the SDK: every header given to the signer, except names with '_' (gateways drop those).
    return sorted(name.lower() for name in headers if '_' not in name)


def canonical_request(method, path, query, headers, signed_headers, payload_hash):
    """query is the canonical query string; headers maps any-case names to values."""
    by_name = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    canonical_headers = ''.join('%s:%s\n' % (name, by_name.get(name, '')) for name in signed_headers)
    return '\n'.join([method.upper(), canonical_uri(path), query, canonical_headers,
                      ';'.join(signed_headers), payload_hash])


def json_body(value):
    """The bytes the official SDK sends (and signs) for a JSON body: json.dumps with its default separators."""
    return json.dumps(value).encode('utf-8')


def payload_hash(body):
    return hashlib.sha256(body).hexdigest() if body else EMPTY_PAYLOAD_HASH


def signature(secret_key, date_text, canonical):
    string_to_sign = '\n'.join([ALGORITHM, date_text, hashlib.sha256(canonical.encode('utf-8')).hexdigest()])
    return hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def authorization_header(access_key, signed_headers, signature_hex):
    return '%s Access=%s, SignedHeaders=%s, Signature=%s' % (
        ALGORITHM, access_key, ';'.join(signed_headers), signature_hex)


def sign(method, url, headers, body, access_key, secret_key, now=None):
    """Return the headers to send for a request to url (whose query must be canonical).

    headers are the headers to sign; Host and X-Sdk-Date are added when missing.
    """
    parts = urlsplit(url)
    headers = dict(headers)
    if not any(name.lower() == 'host' for name in headers):
        headers['Host'] = parts.netloc
    date_text = next((value for name, value in headers.items() if name.lower() == DATE_HEADER.lower()), None)
    if date_text is None:
        now = now or datetime.datetime.now(datetime.timezone.utc)
        date_text = now.strftime(DATE_FORMAT)
        headers[DATE_HEADER] = date_text
    names = signed_header_names(headers)
    canonical = canonical_request(method, parts.path or '/', parts.query, headers, names, payload_hash(body))
    headers['Authorization'] = authorization_header(access_key, names, signature(secret_key, date_text, canonical))
    return headers
