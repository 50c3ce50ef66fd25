# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Options checked in the controller exactly as AnsibleModule checks a module's, with the module's words."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback
from ansible.module_utils.errors import AnsibleFallbackNotFound, UnsupportedError


def _reading(environ, argument_spec):
    """argument_spec with each environment fallback reading environ instead of this process's environment.

    A module reads the environment of its own process: the controller's plus the task's environment
    keyword. In the controller that is environ, and this process's os.environ must not change.
    """
    def from_environ(*names):
        for name in names:
            if name in environ:
                return environ[name]
        raise AnsibleFallbackNotFound

    spec = {}
    for name, option in argument_spec.items():
        option = dict(option)
        fallback = option.get('fallback')
        if fallback and fallback[0] is env_fallback:
            option['fallback'] = (from_environ,) + tuple(fallback[1:])
        spec[name] = option
    return spec


def validate_options(name, argument_spec, values, environ, **checks):
    """(parameters, error): values converted and completed (defaults, fallbacks from environ) as a module does.

    error is None, or AnsibleModule's message for the first problem (for an unknown option, naming the
    module name); parameters then hold what could be validated. checks are mutually_exclusive,
    required_together and the like.
    """
    result = ArgumentSpecValidator(_reading(environ, argument_spec), **checks).validate(values)
    parameters = result.validated_parameters
    if not result.error_messages:
        return parameters, None
    message = result.errors.msg
    if isinstance(result.errors[0], UnsupportedError):
        message = 'Unsupported parameters for (%s) module: %s' % (name, message)
    return parameters, message
