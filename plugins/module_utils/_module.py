# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What every module of the collection shares: connection options, the requests check, errors to fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import (
    connection_argument_spec,
    resolve_connection,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values


def run_module(argument_spec, run, **ansible_module_kwargs):
    """Build the AnsibleModule (connection options merged in), call run(module) and exit with its result.

    run returns the result dict (changed defaults to false). A WorkspaceError fails the module with its
    message (scrubbed of the run's secrets) and its structured fields (as_result()); anything else is a bug
    and keeps its traceback.
    """
    spec = connection_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **ansible_module_kwargs)
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    try:
        result = run(module)
    except WorkspaceError as exc:
        module.fail_json(msg=scrub(str(exc), secret_values(module.params)), **exc.as_result())
    module.exit_json(**dict(dict(changed=False), **result))


def connect(module):
    """A WorkspaceClient for the module's connection options; the credentials file's warnings become the module's."""
    connection = resolve_connection(module.params)
    for warning in connection.warnings:
        module.warn(warning)
    return WorkspaceClient(connection)
