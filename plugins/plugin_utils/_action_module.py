# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A module-shaped object for the controller process, as community.crypto's _action_module does.

An operation's run(module) gets this where a shipped module gets its AnsibleModule: the same argument spec
validation (ArgumentSpecValidator, with the warnings and deprecations an AnsibleModule prints), params,
check_mode, warn, deprecate, fail_json and exit_json, and AnsibleModule's own file methods (atomic_move, mode,
owner, group and SELinux context), which work unchanged on a local connection because the controller is the
target.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import os

from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS, AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.hwcloud.workspace.plugins.module_utils._session import plain_type_names
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._compat import set_module_internals, validation_details


def plain_values(value):
    """value with every string a plain str, as a shipped module receives its arguments: the templar's str
    subclasses (AnsibleUnicode, _AnsibleTaggedStr) would otherwise name themselves in a type error's message."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, dict):
        return dict((plain_values(key), plain_values(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain_values(item) for item in value]
    return value


class ModuleExit(BaseException):
    """exit_json or fail_json was called: result holds what the module would print, module is the module (also
    when its validation failed). A BaseException, like the SystemExit a shipped module leaves with, so that no
    `except Exception` of an operation swallows it."""

    def __init__(self, module, result):
        super(ModuleExit, self).__init__(result.get('msg', ''))
        self.module = module
        self.result = result


@contextlib.contextmanager
def module_environment(environ):
    """os.environ as the module's process would have it (environ) for the with block, then as it was.

    An action plugin runs in a worker process forked for its task, so nothing else of this process reads the
    environment meanwhile; the module's code (credentials file under ~, proxies, CA bundle variables, ~ and
    $VARS in paths) then sees exactly what it would see shipped.
    """
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ControllerModule(AnsibleModule):
    """AnsibleModule's interface without its process: arguments come from the task, results go back as values.

    AnsibleModule.__init__ is not called (it reads its arguments from stdin, logs to syslog and may exit the
    process); the attributes its file methods use are set here instead (the private ones by _compat).
    """

    def __init__(self, name, argument_spec, arguments, check_mode=False, diff=False, wait_reporter=None,
                 add_file_common_args=False, supports_check_mode=False, **checks):
        # pylint: disable=super-init-not-called
        set_module_internals(self, name, diff)
        self.argument_spec = dict(argument_spec)
        if add_file_common_args:
            for option, spec in FILE_COMMON_ARGUMENTS.items():
                self.argument_spec.setdefault(option, spec)
        self.supports_check_mode = supports_check_mode
        self.check_mode = check_mode
        self.no_log = False
        self.bypass_checks = False
        self.cleanup_files = []
        self.run_command_environ_update = {}
        self.wait_reporter = wait_reporter
        self.warnings = []
        self.deprecations = []
        result = ArgumentSpecValidator(self.argument_spec, **checks).validate(plain_values(arguments))
        self.validation_result = result
        self.params = result.validated_parameters
        details = validation_details(result)
        self.no_log_values = details.no_log_values
        self.aliases = details.aliases
        # What ModuleArgumentSpecValidator makes an AnsibleModule print: the same words.
        for warning in details.alias_warnings:
            self.warn('Both option {option} and its alias {alias} are set.'.format(**warning))
        self.deprecations.extend(details.deprecations)
        if result.error_messages:
            message = result.errors.msg
            if isinstance(result.errors[0], UnsupportedError):
                message = 'Unsupported parameters for (%s) module: %s' % (name, message)
            self.fail_json(msg=plain_type_names(message))

    def warn(self, warning, *args, **kwargs):
        self.warnings.append(warning)

    def deprecate(self, msg, version=None, date=None, collection_name=None, *args, **kwargs):
        deprecation = dict(msg=msg, collection_name=collection_name)
        deprecation.update((name, value) for name, value in (('version', version), ('date', date)) if value)
        self.deprecations.append(deprecation)

    def exit_json(self, **kwargs):
        raise ModuleExit(self, kwargs)

    def fail_json(self, msg, *args, **kwargs):
        kwargs.pop('exception', None)  # a message, never a traceback
        raise ModuleExit(self, dict(kwargs, failed=True, msg=msg))

    def log(self, msg, log_args=None):
        """Nothing: a shipped module logs to its target's syslog, and the controller's is not the task's target."""
