# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The base of every action plugin of the collection: over a local connection, the module's operation runs in
the controller process (no requests needed in the target's Python); otherwise the module is shipped."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from collections.abc import Mapping

from ansible.plugins.action import ActionBase

from ansible_collections.hwcloud.workspace.plugins.module_utils._module import full_argument_spec
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import SECRET_OPTIONS, scrub, secret_values
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action_module import (
    ControllerModule,
    ModuleExit,
    module_environment,
)
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._compat import (
    injects_invocation,
    register_facts_as_variables,
    task_environment,
)
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._failures import failure, masked
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._progress import StderrWaitReporter


class ControllerAction(ActionBase):
    """Over a local connection, what the module would return, computed in this process; otherwise the module.

    A subclass sets operation to the module_utils piece that defines its module: argument_spec(),
    module_kwargs() and run(module). The module itself calls the same three, so both ways validate, succeed
    and fail alike.
    """

    _supports_check_mode = True
    _supports_async = True
    operation = None

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ControllerAction, self).run(tmp, task_vars)
        refused = _secret_of_wrong_type(self._task.args)
        if refused:
            # Refused here, on both paths: a module would convert the list to a string and mask each of its items,
            # every "a" and "k" of every message included.
            result.update(failed=True, msg=refused)
            return result
        if self._runs_in_controller():
            result.update(self._run_in_controller(task_vars))
        else:
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not self._task.async_val:
            register_facts_as_variables(self, result.get('ansible_facts'))
        return result

    def _runs_in_controller(self):
        """Over a local connection, as the same user and without async, the module would run right here.

        async needs a module process to leave behind, and become another user (whose environment and
        credentials file differ): both ship the module.
        """
        return self._connection.transport == 'local' and not self._task.async_val and not self._play_context.become

    def _environment(self):
        """The environment the module would see: the controller's, plus the task's environment keyword."""
        environ = dict(os.environ)
        environ.update((str(name), str(value)) for name, value in task_environment(self).items())
        return environ

    def _run_in_controller(self, task_vars):
        """What the module would return, computed here: same validation, result, errors, masking."""
        kwargs = self.operation.module_kwargs()
        reporter = StderrWaitReporter('%s [%s]' % (self._task.action, task_vars.get('inventory_hostname', 'localhost')))
        module = None
        with module_environment(self._environment()):
            try:
                module = ControllerModule(self._task.action, full_argument_spec(self.operation), self._task.args,
                                          check_mode=bool(self._task.check_mode), diff=bool(self._task.diff),
                                          wait_reporter=reporter, **kwargs)
                result = dict(dict(changed=False), **self.operation.run(module))
            except ModuleExit as exited:
                module, result = exited.module, exited.result
            except Exception as exc:  # pylint: disable=broad-exception-caught
                message, fields = failure(exc, secret_values(module.params if module else self._task.args))
                result = dict(fields, failed=True, msg=message)
            if module is not None:
                # As a module's exit: a result naming a file (dest, path) tells its owner, mode, size and state.
                module.add_path_info(result)
        params = module.params if module else {}
        secrets = secret_values(params)
        if module and module.warnings:
            result['warnings'] = module.warnings
        if module and module.deprecations:
            result['deprecations'] = module.deprecations
        if 'msg' in result:
            result['msg'] = scrub(result['msg'], secrets)
        result = masked(result, secrets)
        if injects_invocation(task_vars):
            result['invocation'] = masked(dict(module_args=params), secrets)
        return result


def _secret_of_wrong_type(arguments):
    """The message for a secret option given as a list or a dictionary (its value is not shown), or None."""
    wrong = [name for name in SECRET_OPTIONS if isinstance(arguments.get(name), (Mapping, list, tuple, set))]
    if not wrong:
        return None
    return '%s must be a string, not a list or a dictionary (the value is not shown)' % ' and '.join(wrong)
