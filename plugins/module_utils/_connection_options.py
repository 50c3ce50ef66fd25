# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The connection options: one table, from which the argument spec, the environment fallback and the secret list
are derived. Every front end (modules, lookup, event source) takes the options from here; the documentation that
lists them by hand (doc fragments, roles, event source, README) is held to this table by tests/release."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from collections import namedtuple

from ansible.module_utils.errors import AnsibleFallbackNotFound

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4
DEFAULT_CONCURRENCY = 8

# env: the environment variables of the option, in precedence order (the first one set and not empty wins; the
# official SDK's names first). secret: never shown (no_log, masked in every message and result).
ConnectionOption = namedtuple('ConnectionOption', ['name', 'type', 'default', 'env', 'secret', 'choices'])


def _option(name, type='str', default=None, env=(), secret=False, choices=None):  # pylint: disable=redefined-builtin
    return ConnectionOption(name, type, default, tuple(env), secret, choices)


CONNECTION_OPTIONS = (
    _option('access_key', env=('HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY')),
    _option('secret_key', env=('HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'), secret=True),
    _option('security_token', env=('HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'), secret=True),
    _option('auth_token', env=('HW_AUTH_TOKEN',), secret=True),
    _option('region', env=('HUAWEICLOUD_SDK_REGION', 'HW_REGION_NAME')),
    _option('project_id', env=('HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID')),
    _option('endpoint', env=('HW_WORKSPACE_ENDPOINT',)),
    _option('iam_endpoint', env=('HUAWEICLOUD_SDK_IAM_ENDPOINT', 'HW_IAM_ENDPOINT')),
    _option('validate_certs', type='bool', default=True),
    _option('ca_path', type='path', env=('HUAWEICLOUD_SDK_CA_PATH', 'HW_CA_PATH')),
    _option('timeout', type='float', default=DEFAULT_TIMEOUT),
    _option('retries', type='int', default=DEFAULT_RETRIES),
    _option('concurrency', type='int', default=DEFAULT_CONCURRENCY),
)

OPTION_NAMES = tuple(option.name for option in CONNECTION_OPTIONS)
# Environment variables per option, in precedence order.
CONNECTION_ENV = dict((option.name, option.env) for option in CONNECTION_OPTIONS if option.env)
SECRET_OPTIONS = tuple(option.name for option in CONNECTION_OPTIONS if option.secret)
# The variables a lookup and the roles read: hwcloud_workspace_<option>.
VARIABLE_PREFIX = 'hwcloud_workspace_'


def environment_fallback(environ=None):
    """A fallback strategy for an argument spec: the value of the first of its variables that is set and not empty,
    read from environ (os.environ when None, looked at when called). An empty variable counts as not set (an
    Automation Platform credential injects an empty field as an empty value)."""
    def fallback(*names):
        variables = os.environ if environ is None else environ
        for name in names:
            if variables.get(name):
                return variables[name]
        raise AnsibleFallbackNotFound
    return fallback


def connection_argument_spec(environ=None):
    """The argument spec of the connection options; their environment variables are read from environ (os.environ
    when None)."""
    fallback = environment_fallback(environ)
    spec = {}
    for option in CONNECTION_OPTIONS:
        entry = dict(type=option.type, no_log=option.secret)
        if option.default is not None:
            entry['default'] = option.default
        if option.env:
            entry['fallback'] = (fallback, list(option.env))
        if option.choices:
            entry['choices'] = list(option.choices)
        spec[option.name] = entry
    return spec
