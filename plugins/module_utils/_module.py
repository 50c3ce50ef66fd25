# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What every module shares, shipped or run in the controller: the argument spec with the connection options,
the connection itself, progress, and the shipped module's run.

An operation (a module of the _operations package: export_task_info, export_task, export_file, wait_for_exports) defines
argument_spec(), module_kwargs() and run(module). run gets an AnsibleModule on a target, or the controller's
module-shaped stand-in (plugin_utils/_action_module.py); it returns the result or raises WorkspaceError.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import signal

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import REQUESTS_IMPORT_ERROR
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import connection_argument_spec
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values
from ansible_collections.hwcloud.workspace.plugins.module_utils._session import plain_type_names, session
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WaitReporter


def full_argument_spec(operation):
    """The operation's options with the connection options."""
    spec = connection_argument_spec()
    spec.update(operation.argument_spec())
    return spec


# The signals of a cancelled job or a closed terminal, whose default action ends a process at once. A module that
# ended so would skip every finally block and leave its temporary files (AnsiballZ's payload directory among them).
EXITING_SIGNALS = tuple(getattr(signal, name) for name in ('SIGTERM', 'SIGHUP') if hasattr(signal, name))


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


class WorkspaceModule(AnsibleModule):
    """An AnsibleModule whose failures name types as on every ansible-core (its validation's words vary)."""

    def fail_json(self, msg, **kwargs):
        super(WorkspaceModule, self).fail_json(msg=plain_type_names(msg), **kwargs)


def run_module(operation):
    """The shipped module: build the AnsibleModule, call operation.run(module) and exit with its result.

    run returns the result dict (changed defaults to false). A WorkspaceError fails the module with its
    message (scrubbed of the run's secrets) and its structured fields (as_result()); anything else is a bug
    and keeps its traceback. SIGTERM and SIGHUP, unless handled or ignored, end the module with SystemExit (status
    128 + the signal's number), as SIGINT ends it with KeyboardInterrupt: the finally blocks run and remove what
    the run made.
    """
    for signum in EXITING_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _exit_on_signal)
    module = WorkspaceModule(argument_spec=full_argument_spec(operation), **operation.module_kwargs())
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    try:
        result = operation.run(module)
    except WorkspaceError as exc:
        module.fail_json(msg=scrub(str(exc), secret_values(module.params)), **exc.as_result())
    module.exit_json(**dict(dict(changed=False), **result))


def connect(module):
    """The Workspace of the module's connection options, its project resolved; the credentials file's warnings
    become the module's. Close it (a with block)."""
    return session(module.params, module.warn)


def wait_reporter(module):
    """Who hears how a wait goes: the controller's progress lines, or nobody on a target."""
    return getattr(module, 'wait_reporter', None) or WaitReporter()
