# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A front end's session: options in (checked by ansible-core's ArgumentSpecValidator against the connection
options' spec plus the front end's own, the environment variables included), warnings out, an open Workspace back.

A module gets its options from AnsibleModule and calls session(module.params, module.warn) (_module.connect); the
lookup and the event source validate theirs here first, so that the options, their environment variables, their
checks and their messages are one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import open_workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import connection_argument_spec
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError


def argument_spec(options_spec, environ=None):
    """options_spec with the connection options, whose environment variables are read from environ
    (default os.environ)."""
    spec = connection_argument_spec(environ)
    spec.update(options_spec)
    return spec


# A type as ansible-core's type checks print it: "<class 'str'>" in some versions and places, "str" in others.
_TYPE_REPR = re.compile(r"<class '(?:[\w.]+\.)?(\w+)'>")
# ansible-core's words for a value its type check could not convert; what follows the colon varies between
# versions: the value's type or its quoted value, and the valid booleans in a set's order.
_CONVERSION = re.compile(r"^((?:argument|Elements value for option) '[^']*' is of type (\w+) and we were unable to "
                         r"convert to \w+): (.*)$", re.DOTALL)
_CANNOT_CONVERT = re.compile(r"^.* (cannot be converted to an? \w+)$", re.DOTALL)
_NOT_A_BOOLEAN = re.compile(r"^(The value .* is not a valid boolean\.)\s+Valid booleans include: .*$", re.DOTALL)
_BOOLEANS = ', '.join(repr(value) for value in sorted(BOOLEANS_TRUE, key=repr) + sorted(BOOLEANS_FALSE, key=repr))


def plain_type_names(message):
    """A validation message in the same words on every ansible-core: every type named as in `is of type str`,
    a value that cannot be converted named by its type, the valid booleans in one order."""
    message = _TYPE_REPR.sub(r'\1', message)
    conversion = _CONVERSION.match(message)
    if not conversion:
        return message
    prefix, value_type, detail = conversion.groups()
    cannot = _CANNOT_CONVERT.match(detail)
    if cannot:
        return '%s: %s %s' % (prefix, value_type, cannot.group(1))
    boolean = _NOT_A_BOOLEAN.match(detail)
    if boolean:
        return '%s: %s Valid booleans include: %s' % (prefix, boolean.group(1), _BOOLEANS)
    return message


def validate(spec, params, **rules):
    """params checked and converted against spec (rules: mutually_exclusive, required_together, ... as
    ArgumentSpecValidator takes them): the validated parameters, or WorkspaceConfigError with every message.

    An option given as None counts as not given, so that its default or its environment variable applies.
    """
    given = dict((name, value) for name, value in params.items() if value is not None)
    # ArgumentSpecValidator would turn a list or a dictionary into its text for a string option (a secret's
    # value sent, or quoted later): refused here, naming the option only.
    messages = ['%s must be a string, got a %s' % (name, 'list' if isinstance(value, (list, tuple)) else 'dictionary')
                for name, value in sorted(given.items())
                if name in spec and spec[name].get('type', 'str') == 'str' and isinstance(value, (list, tuple, dict))]
    if messages:
        raise WorkspaceConfigError('; '.join(messages))
    result = ArgumentSpecValidator(spec, **rules).validate(given)
    if result.unsupported_parameters:
        unknown = sorted(str(name) for name in given if name not in spec)
        messages.append('unknown option(s) %s; the options are %s' % (', '.join(unknown), ', '.join(sorted(spec))))
    messages += [plain_type_names(str(error)) for error in result.errors if not isinstance(error, UnsupportedError)]
    if messages:
        raise WorkspaceConfigError('; '.join(messages))
    return result.validated_parameters


def resolve(params, warn, environ=None):
    """The Connection of validated params (checked further, naming the option; nothing is sent); each
    warning (a credentials file readable by others) goes to warn. environ (default os.environ) names the
    credentials file."""
    connection = resolve_connection(params, environ)
    for warning in connection.warnings:
        warn(warning)
    return connection


def open_session(connection):
    """The Workspace of a resolved connection, its project resolved (one IAM request when project_id is not set).
    Close it (a with block)."""
    return open_workspace(WorkspaceClient(connection))


def session(params, warn, environ=None):
    """The open Workspace of validated params: resolve, then open_session. Close it (a with block).

    A front end that must find every error before its first request and send it later (the event source) calls
    the two halves itself."""
    return open_session(resolve(params, warn, environ))
