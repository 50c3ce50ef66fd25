# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Authentication the way the cloud's API gateway does it: SDK-HMAC-SHA256 signatures or IAM tokens.

The signature check is the emulator's own code, written from the algorithm the official SDKs implement
(huaweicloudsdkcore's Signer): never the collection's signer, so that what the tests hold the collection to is
not the collection itself. tests/emulator/test_signature_check.py holds it to the official SDK's Signer.
"""

import datetime
import hashlib
import hmac
import urllib.parse

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_HEADER = 'X-Sdk-Date'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)
AUTH_ERROR_CODE = 'APIGW.0301'
AUTH_ERROR_PREFIX = 'Incorrect IAM authentication information: '


def parse_authorization(value):
    """(access key, signed header names, signature) of an 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'
    header, or None."""
    if not value or not value.startswith(ALGORITHM + ' '):
        return None
    fields = {}
    for part in value[len(ALGORITHM) + 1:].split(','):
        name, separator, field_value = part.strip().partition('=')
        if separator:
            fields[name] = field_value
    if not all(fields.get(name) for name in ('Access', 'SignedHeaders', 'Signature')):
        return None
    return fields['Access'], fields['SignedHeaders'].split(';'), fields['Signature']


def _encoded(text):
    return urllib.parse.quote(text, safe='~')


def expected_signature(secret_key, method, raw_path, raw_query, headers, signed_names, body):
    """The hex signature of a request as received: its percent-encoded path and query, the values of the headers it
    signed (signed_names, lower case), and its body bytes.

    The canonical request is the method; the path, decoded, each segment encoded again, ending in '/'; the query
    pairs sorted and encoded; one 'name:value' line per signed header; the signed names; the body's SHA-256.
    """
    path = '/'.join(_encoded(segment) for segment in urllib.parse.unquote(raw_path).split('/'))
    pairs = sorted(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
    query = '&'.join('%s=%s' % (_encoded(name), _encoded(value)) for name, value in pairs)
    header_lines = ''.join('%s:%s\n' % (name, headers.get(name).strip()) for name in signed_names)
    canonical = '\n'.join((method.upper(), path if path.endswith('/') else path + '/', query, header_lines,
                           ';'.join(signed_names), hashlib.sha256(body or b'').hexdigest()))
    string_to_sign = '\n'.join((ALGORITHM, headers.get(DATE_HEADER), hashlib.sha256(canonical.encode('utf-8')).hexdigest()))
    return hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


class AuthFailure(Exception):
    """Answered with 401 and an APIG-style body; the message never contains secrets."""

    def __init__(self, reason):
        super().__init__(AUTH_ERROR_PREFIX + reason)
        self.error_code = AUTH_ERROR_CODE


def auth_scheme(headers):
    """How the request tries to authenticate: 'aksk', 'token' or 'none' (a signature wins over a token)."""
    if headers.get('Authorization'):
        return 'aksk'
    if headers.get('X-Auth-Token'):
        return 'token'
    return 'none'


class Authenticator:
    """Checks requests against one account: its AK/SK pair, its tokens, and its project."""

    def __init__(self, access_key, secret_key, tokens, project_id, now=None):
        self._secret_keys = {access_key: secret_key}
        self._tokens = tuple(tokens)
        self._project_id = project_id
        self._now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def _known_token(self, value):
        return any(hmac.compare_digest(value.encode('utf-8'), token.encode('utf-8')) for token in self._tokens)

    def authenticate(self, method, raw_path, raw_query, headers, body, needs_project_header):
        """Return the scheme used ('aksk' or 'token') or raise AuthFailure.

        needs_project_header: the Workspace API wants a signed X-Project-Id naming this account's project.
        """
        scheme = auth_scheme(headers)
        if scheme == 'none':
            raise AuthFailure('the request is neither signed (Authorization: SDK-HMAC-SHA256 ...) nor carries X-Auth-Token')
        if scheme == 'token':
            if not self._known_token(headers.get('X-Auth-Token')):
                raise AuthFailure('the X-Auth-Token is not valid')
            return scheme
        signed_names = self._verify_signature(method, raw_path, raw_query, headers, body)
        security_token = headers.get('X-Security-Token')
        if security_token is not None:
            if 'x-security-token' not in signed_names:
                raise AuthFailure('X-Security-Token must be among the signed headers')
            if not self._known_token(security_token):
                raise AuthFailure('the X-Security-Token is not valid')
        if needs_project_header:
            project_id = headers.get('X-Project-Id')
            if not project_id:
                raise AuthFailure('the X-Project-Id header is missing')
            if 'x-project-id' not in signed_names:
                raise AuthFailure('X-Project-Id must be among the signed headers')
            if project_id != self._project_id:
                raise AuthFailure('the project in X-Project-Id does not belong to this access key')
        return scheme

    def _verify_signature(self, method, raw_path, raw_query, headers, body):
        parsed = parse_authorization(headers.get('Authorization'))
        if parsed is None:
            raise AuthFailure("the Authorization header is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'")
        access_key, signed_names, received_signature = parsed
        secret_key = self._secret_keys.get(access_key)
        if secret_key is None:
            raise AuthFailure('the access key does not exist')
        signed_names = [name.lower() for name in signed_names]
        if 'host' not in signed_names or DATE_HEADER.lower() not in signed_names:
            raise AuthFailure('SignedHeaders must include host and x-sdk-date')
        self._check_date(headers.get(DATE_HEADER))
        missing = [name for name in signed_names if headers.get(name) is None]
        if missing:
            raise AuthFailure('signed header(s) %s missing from the request' % ', '.join(missing))
        expected = expected_signature(secret_key, method, raw_path, raw_query, headers, signed_names, body)
        # Bytes, because compare_digest refuses str with non-ASCII characters, which a client may well send.
        if not hmac.compare_digest(expected.encode('utf-8'), received_signature.encode('utf-8')):
            raise AuthFailure('the signature does not match (check the secret key and what was signed)')
        return signed_names

    def _check_date(self, date_text):
        if date_text is None:
            raise AuthFailure('the X-Sdk-Date header is missing')
        try:
            signed_at = datetime.datetime.strptime(date_text, DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            raise AuthFailure('X-Sdk-Date must be a UTC time formatted like 20261128T173424Z') from None
        if abs(self._now() - signed_at) > MAX_CLOCK_SKEW:
            raise AuthFailure('X-Sdk-Date is more than 15 minutes away from the server time')
