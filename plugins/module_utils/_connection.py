# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Connection settings: options, then environment, then the official SDK's profile file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from configparser import ConfigParser, Error as ConfigParserError

from ansible.module_utils.basic import env_fallback

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError

# Environment variables per option, the first set one wins (the official SDK's names first).
CONNECTION_ENV = {
    'access_key': ('HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY'),
    'secret_key': ('HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'),
    'security_token': ('HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'),
    'auth_token': ('HW_AUTH_TOKEN',),
    'region': ('HUAWEICLOUD_SDK_REGION', 'HW_REGION_NAME'),
    'project_id': ('HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'),
    'endpoint': ('HW_WORKSPACE_ENDPOINT',),
    'iam_endpoint': ('HUAWEICLOUD_SDK_IAM_ENDPOINT', 'HW_IAM_ENDPOINT'),
}
SECRET_OPTIONS = ('secret_key', 'security_token', 'auth_token')
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4

PROFILE_FILE_ENV = 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
PROFILE_SECTION = 'basic'
# Profile keys (the SDK's names) and the options they fill.
PROFILE_KEYS = (('ak', 'access_key'), ('sk', 'secret_key'), ('security_token', 'security_token'),
                ('project_id', 'project_id'), ('iam_endpoint', 'iam_endpoint'))


class Connection:
    """Resolved, validated settings for talking to Workspace (and IAM)."""

    def __init__(self, endpoint, iam_endpoint, region, project_id, access_key=None, secret_key=None,
                 security_token=None, auth_token=None, validate_certs=True, timeout=DEFAULT_TIMEOUT,
                 retries=DEFAULT_RETRIES):
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

    def __repr__(self):
        # Never show secrets, even in a debugger or a stray log line.
        return 'Connection(endpoint=%r, region=%r, project_id=%r, access_key=%r, auth=%s)' % (
            self.endpoint, self.region, self.project_id, self.access_key, 'token' if self.auth_token else 'aksk')


def profile_file_path(environ=None):
    environ = os.environ if environ is None else environ
    return environ.get(PROFILE_FILE_ENV) or os.path.join(os.path.expanduser('~'), '.huaweicloud', 'credentials')


def read_profile(path):
    """The [basic] section of the SDK's credentials file as option names; {} when there is no file."""
    if not os.path.isfile(path):
        return {}
    parser = ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding='utf-8')
    except (ConfigParserError, UnicodeError) as exc:
        raise WorkspaceConfigError('Cannot read the credentials file %s: %s' % (path, exc.__class__.__name__))
    if not parser.has_section(PROFILE_SECTION):
        return {}
    section = parser[PROFILE_SECTION]
    return dict((option, section[key].strip()) for key, option in PROFILE_KEYS if section.get(key, '').strip())


def _with_profile(options, environ):
    """Fill credentials from the profile file, but only when options and environment gave none."""
    if options.get('access_key') or options.get('secret_key') or options.get('auth_token'):
        return options
    merged = dict(options)
    for option, value in read_profile(profile_file_path(environ)).items():
        if not merged.get(option):
            merged[option] = value
    return merged


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
            'No credentials: set access_key and secret_key (env HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK or '
            'HW_ACCESS_KEY/HW_SECRET_KEY), or auth_token (env HW_AUTH_TOKEN), or the [basic] section of %s'
            % PROFILE_FILE_ENV)
    if not secret_key:
        raise WorkspaceConfigError('access_key is set but secret_key is not: AK/SK signing needs both')
    if not access_key:
        raise WorkspaceConfigError('secret_key is set but access_key is not: AK/SK signing needs both')


def _check_url(option, value):
    if not value.startswith(('https://', 'http://')) or len(value.split('://', 1)[1].strip('/')) == 0:
        raise WorkspaceConfigError('%s must be an http:// or https:// URL, got %r' % (option, value))
    return value.rstrip('/')


def _check_number(option, value, minimum, kind):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise WorkspaceConfigError('%s must be a number, got %r' % (option, value))
    if number < minimum:
        raise WorkspaceConfigError('%s must be at least %s, got %s' % (option, minimum, value))
    return number


def resolve_connection(options, environ=None):
    """Build a Connection from option values (already holding any environment values).

    Raises WorkspaceConfigError naming the option, before anything is sent.
    """
    options = _with_profile(options, os.environ if environ is None else environ)
    _check_credentials(options)
    region = options.get('region')
    endpoint = options.get('endpoint')
    if not region and not endpoint:
        raise WorkspaceConfigError('Set region (for example cn-north-4) or endpoint: neither is set')
    if not options.get('project_id') and not region:
        raise WorkspaceConfigError(
            'project_id is not set, and without region it cannot be looked up in IAM: set project_id or region')
    endpoint = _check_url('endpoint', endpoint or 'https://workspace.%s.myhuaweicloud.com' % region)
    iam_endpoint = options.get('iam_endpoint') or ('https://iam.%s.myhuaweicloud.com' % region if region else None)
    if iam_endpoint:
        iam_endpoint = _check_url('iam_endpoint', iam_endpoint)
    validate_certs = options.get('validate_certs')
    return Connection(
        endpoint=endpoint,
        iam_endpoint=iam_endpoint,
        region=region,
        project_id=options.get('project_id') or None,
        access_key=options.get('access_key') or None,
        secret_key=options.get('secret_key') or None,
        security_token=options.get('security_token') or None,
        auth_token=options.get('auth_token') or None,
        validate_certs=True if validate_certs is None else bool(validate_certs),
        timeout=_check_number('timeout', DEFAULT_TIMEOUT if options.get('timeout') is None else options['timeout'],
                              0.001, float),
        retries=_check_number('retries', DEFAULT_RETRIES if options.get('retries') is None else options['retries'],
                              0, int),
    )


def connection_argument_spec():
    """The modules' argument spec for the connection; env fallbacks in CONNECTION_ENV order."""
    def option(name, **extra):
        spec = dict(type='str', fallback=(env_fallback, list(CONNECTION_ENV[name])))
        spec.update(extra)
        return spec

    return dict(
        access_key=option('access_key', no_log=False),
        secret_key=option('secret_key', no_log=True),
        security_token=option('security_token', no_log=True),
        auth_token=option('auth_token', no_log=True),
        region=option('region'),
        project_id=option('project_id'),
        endpoint=option('endpoint'),
        iam_endpoint=option('iam_endpoint'),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=DEFAULT_TIMEOUT),
        retries=dict(type='int', default=DEFAULT_RETRIES),
    )
