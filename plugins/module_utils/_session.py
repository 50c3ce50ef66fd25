# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A front end's session: options in (checked by ansible-core's ArgumentSpecValidator against one spec, the
connection options' environment variables included), warnings out, an open Workspace back.

The modules get the same from AnsibleModule and _module.connect; a front end without an AnsibleModule (the event
source) uses this, so that the options, their environment variables, their checks and their messages stay one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import AnsibleFallbackNotFound, UnsupportedError

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import open_workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import (
    CONNECTION_ENV,
    connection_argument_spec,
    resolve_connection,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError


def _environment_fallback(environ):
    """A fallback strategy (as env_fallback) that reads environ instead of os.environ: the first variable set
    and not empty wins."""
    def fallback(*names):
        for name in names:
            if environ.get(name):
                return environ[name]
        raise AnsibleFallbackNotFound
    return fallback


def argument_spec(options_spec, environ=None):
    """options_spec with the connection options, whose environment variables are read from environ
    (default os.environ) in CONNECTION_ENV order."""
    environ = os.environ if environ is None else environ
    spec = connection_argument_spec()
    for name, variables in CONNECTION_ENV.items():
        spec[name] = dict(spec[name], fallback=(_environment_fallback(environ), list(variables)))
    spec.update(options_spec)
    return spec


def validate(spec, params, **rules):
    """params checked and converted against spec (rules: mutually_exclusive, required_together, ... as
    ArgumentSpecValidator takes them): the validated parameters, or WorkspaceConfigError with every message.

    An option given as None counts as not given, so that its default or its environment variable applies.
    """
    given = dict((name, value) for name, value in params.items() if value is not None)
    result = ArgumentSpecValidator(spec, **rules).validate(given)
    messages = []
    if result.unsupported_parameters:
        unknown = sorted(str(name) for name in given if name not in spec)
        messages.append('unknown option(s) %s; the options are %s' % (', '.join(unknown), ', '.join(sorted(spec))))
    messages += [str(error) for error in result.errors if not isinstance(error, UnsupportedError)]
    if messages:
        raise WorkspaceConfigError('; '.join(messages))
    return result.validated_parameters


def resolve(params, warn, environ=None):
    """The Connection of validated params (checked further, naming the option; nothing is sent); each
    warning (a credentials file readable by others) goes to warn."""
    connection = resolve_connection(params, environ)
    for warning in connection.warnings:
        warn(warning)
    return connection


def open_session(connection):
    """The Workspace of connection, its project resolved (one IAM request when project_id is not set).
    Close it (a with block)."""
    return open_workspace(WorkspaceClient(connection))


def connect(params, warn, environ=None):
    """resolve then open_session: what _module.connect(module) is for a module (connect(module.params,
    module.warn))."""
    return open_session(resolve(params, warn, environ))
