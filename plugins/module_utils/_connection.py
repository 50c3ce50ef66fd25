# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Connection settings: options, then environment, then the official SDK's profile file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import stat

from configparser import ConfigParser, Error as ConfigParserError
from urllib.parse import urlsplit

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import (
    CONNECTION_ENV,
    DEFAULT_CONCURRENCY,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SECRET_OPTIONS,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._time_values import check_seconds

# The longest an HTTP attempt may be given (a day): a deadline, a socket timeout and a wait stay far within time_t.
MAX_TIMEOUT = 86400.0
MAX_CONCURRENCY = 32

# region and project_id become parts of host names and paths: nothing that could change the URL's meaning.
NAME_PATTERN = re.compile(r'\A[A-Za-z0-9_-]+\Z')
HOST_PATTERN = re.compile(r'\A(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])\Z')
# Values sent in headers: printable ASCII without spaces (requests would quote anything else in its error).
HEADER_TOKEN_PATTERN = re.compile(r'\A[\x21-\x7e]+\Z')
HEADER_OPTIONS = ('access_key', 'security_token', 'auth_token')

# The one warning of a run without certificate checks (the client silences urllib3's, one per request).
INSECURE_WARNING = ('validate_certs is false: the TLS certificates of the endpoints and of download links are not '
                    'verified, so anyone on the network path can read and change what is sent, credentials included')

PROFILE_FILE_ENV = 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
PROFILE_SECTION = 'basic'
# Profile keys (the SDK's names) and the options they fill.
PROFILE_KEYS = (('ak', 'access_key'), ('sk', 'secret_key'), ('security_token', 'security_token'),
                ('project_id', 'project_id'), ('iam_endpoint', 'iam_endpoint'))


class Connection:
    """Resolved, validated settings for talking to Workspace (and IAM).

    warnings: sentences the front end shows the user (module.warn, display.warning).
    """

    def __init__(self, endpoint, iam_endpoint, region, project_id, access_key=None, secret_key=None,
                 security_token=None, auth_token=None, validate_certs=True, timeout=DEFAULT_TIMEOUT,
                 retries=DEFAULT_RETRIES, ca_path=None, concurrency=DEFAULT_CONCURRENCY, warnings=()):
        self.endpoint = endpoint
        self.iam_endpoint = iam_endpoint
        self.region = region
        self.project_id = project_id
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.auth_token = auth_token
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retries = retries
        self.ca_path = ca_path
        self.concurrency = concurrency
        self.warnings = list(warnings)

    @property
    def verify(self):
        """requests' verify argument: False, the CA bundle file, or True (the system's trust store)."""
        if not self.validate_certs:
            return False
        return self.ca_path or True

    def __repr__(self):
        # Never show secrets, even in a debugger or a stray log line.
        return 'Connection(endpoint=%r, region=%r, project_id=%r, access_key=%r, auth=%s)' % (
            self.endpoint, self.region, self.project_id, self.access_key, 'token' if self.auth_token else 'aksk')


def _check_int(option, value, minimum, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or (number != value and str(value).strip() != str(number)):
        raise WorkspaceConfigError('%s must be a whole number, got %r' % (option, value))
    if number < minimum or (maximum is not None and number > maximum):
        allowed = 'from %d to %d' % (minimum, maximum) if maximum is not None else 'at least %d' % minimum
        raise WorkspaceConfigError('%s must be %s, got %d' % (option, allowed, number))
    return number


def profile_file_path(environ=None):
    environ = os.environ if environ is None else environ
    return environ.get(PROFILE_FILE_ENV) or os.path.join(os.path.expanduser('~'), '.huaweicloud', 'credentials')


def read_profile(path, warnings=None):
    """The [basic] section of the SDK's credentials file as option names; {} when there is no file.

    The file is UTF-8, with or without a BOM. A file that exists but cannot be read is an error naming it;
    a file that group or others may read adds a sentence to warnings (as ssh warns about keys).
    """
    if not os.path.lexists(path):
        return {}
    try:
        with open(path, 'rb') as handle:
            mode = os.fstat(handle.fileno()).st_mode
            text = handle.read().decode('utf-8-sig')
    except OSError as exc:
        raise WorkspaceConfigError('Cannot read the credentials file %s: %s' % (path, exc.strerror or exc.__class__.__name__))
    except UnicodeError:
        raise WorkspaceConfigError('Cannot read the credentials file %s: it is not UTF-8 text' % path)
    parser = ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except ConfigParserError as exc:
        # The parser's message may quote a line of the file, which may hold a secret: name the error only.
        raise WorkspaceConfigError('Cannot read the credentials file %s: %s' % (path, exc.__class__.__name__))
    if warnings is not None and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append('The credentials file %s is readable by group or others (mode %s): restrict it with chmod 600'
                        % (path, oct(stat.S_IMODE(mode))[2:].zfill(4)))
    if not parser.has_section(PROFILE_SECTION):
        return {}
    section = parser[PROFILE_SECTION]
    return dict((option, section[key].strip()) for key, option in PROFILE_KEYS if section.get(key, '').strip())


def _with_profile(options, environ, warnings):
    """Fill credentials from the profile file, but only when options and environment gave none."""
    if options.get('access_key') or options.get('secret_key') or options.get('auth_token'):
        return options
    merged = dict(options)
    for option, value in read_profile(profile_file_path(environ), warnings).items():
        if not merged.get(option):
            merged[option] = value
    return merged


def _clean_credentials(options):
    """Credentials without surrounding white space (a YAML block scalar ends with a newline).

    Values sent in headers must be printable ASCII; the error never quotes a secret.
    """
    cleaned = dict(options)
    for name in ('access_key',) + SECRET_OPTIONS:
        value = options.get(name)
        if value is None:
            continue
        value = str(value).strip()
        if value and name in HEADER_OPTIONS and not HEADER_TOKEN_PATTERN.match(value):
            raise WorkspaceConfigError(
                '%s holds a character that cannot be sent in an HTTP header (white space, a control character or '
                'a non-ASCII character)%s' % (name, '; its value is not shown' if name in SECRET_OPTIONS else ''))
        cleaned[name] = value or None
    return cleaned


def _check_credentials(options):
    access_key, secret_key = options.get('access_key'), options.get('secret_key')
    if options.get('auth_token'):
        if access_key or secret_key or options.get('security_token'):
            raise WorkspaceConfigError(
                'auth_token and access_key/secret_key/security_token are mutually exclusive: '
                'give either an IAM token (auth_token) or AK/SK (access_key and secret_key)')
        return
    if not access_key and not secret_key:
        raise WorkspaceConfigError(
            'No credentials: set access_key and secret_key (env %s), or auth_token (env %s), or the [basic] section '
            'of %s' % (' or '.join('/'.join(pair) for pair in zip(CONNECTION_ENV['access_key'],
                                                                  CONNECTION_ENV['secret_key'])),
                       ' or '.join(CONNECTION_ENV['auth_token']), PROFILE_FILE_ENV))
    if not secret_key:
        raise WorkspaceConfigError('access_key is set but secret_key is not: AK/SK signing needs both')
    if not access_key:
        raise WorkspaceConfigError('secret_key is set but access_key is not: AK/SK signing needs both')


def _check_name(option, value):
    if value is not None and not NAME_PATTERN.match(str(value)):
        raise WorkspaceConfigError('%s may hold only letters, digits, "-" and "_", got %r' % (option, value))
    return value


def _check_url(option, value):
    """value as scheme://host[:port][/path] (scheme lower case, no trailing '/'); the error never shows userinfo."""
    expected = '%s must be an http(s)://host[:port][/path] URL' % option
    text = str(value).strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise WorkspaceConfigError('%s, got %r' % (expected, text))
    if '@' in parts.netloc:
        # user:password@ would replace the signature with Basic auth: refuse it, and never print it.
        raise WorkspaceConfigError('%s without a user name or password (remove the "...@" part)' % expected)
    host = parts.netloc.rpartition(':')[0] if port is not None else parts.netloc
    if parts.scheme.lower() not in ('http', 'https') or not HOST_PATTERN.match(host):
        raise WorkspaceConfigError('%s, got %r' % (expected, text))
    if parts.query or parts.fragment or '?' in text or '#' in text:
        raise WorkspaceConfigError('%s without a query or fragment, got %r' % (expected, text))
    if any(char.isspace() or ord(char) < 0x20 for char in parts.path):
        raise WorkspaceConfigError('%s without white space in the path, got %r' % (expected, text))
    return '%s://%s%s' % (parts.scheme.lower(), parts.netloc, parts.path.rstrip('/'))


def _check_ca_path(value):
    if not value:
        return None
    if not os.path.isfile(value):
        raise WorkspaceConfigError('ca_path must name a CA bundle file (PEM), but %s is not a file' % value)
    return value


def resolve_connection(options, environ=None):
    """Build a Connection from option values (already holding any environment values).

    Raises WorkspaceConfigError naming the option, before anything is sent.
    """
    warnings = []
    options = _clean_credentials(_with_profile(options, os.environ if environ is None else environ, warnings))
    _check_credentials(options)
    region = _check_name('region', options.get('region') or None)
    project_id = _check_name('project_id', options.get('project_id') or None)
    endpoint = options.get('endpoint')
    if not region and not endpoint:
        raise WorkspaceConfigError('Set region (for example cn-north-4) or endpoint: neither is set')
    if not project_id and not region:
        raise WorkspaceConfigError(
            'project_id is not set, and without region it cannot be looked up in IAM: set project_id or region')
    endpoint = _check_url('endpoint', endpoint or 'https://workspace.%s.myhuaweicloud.com' % region)
    iam_endpoint = options.get('iam_endpoint') or ('https://iam.%s.myhuaweicloud.com' % region if region else None)
    if iam_endpoint:
        iam_endpoint = _check_url('iam_endpoint', iam_endpoint)
    validate_certs = options.get('validate_certs')
    validate_certs = True if validate_certs is None else bool(validate_certs)
    if not validate_certs:
        warnings.append(INSECURE_WARNING)
    timeout = options.get('timeout')
    retries = options.get('retries')
    concurrency = options.get('concurrency')
    return Connection(
        endpoint=endpoint,
        iam_endpoint=iam_endpoint,
        region=region,
        project_id=project_id,
        access_key=options.get('access_key'),
        secret_key=options.get('secret_key'),
        security_token=options.get('security_token'),
        auth_token=options.get('auth_token'),
        validate_certs=validate_certs,
        timeout=check_seconds('timeout', DEFAULT_TIMEOUT if timeout is None else timeout, maximum=MAX_TIMEOUT),
        retries=_check_int('retries', DEFAULT_RETRIES if retries is None else retries, 0),
        ca_path=_check_ca_path(options.get('ca_path')),
        concurrency=_check_int('concurrency', DEFAULT_CONCURRENCY if concurrency is None else concurrency,
                               1, MAX_CONCURRENCY),
        warnings=warnings,
    )
