# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A lookup's options: its keywords, else the hwcloud_workspace_<option> variables, else the environment, checked
by ansible-core's ArgumentSpecValidator as a module's are (module_utils/_session.py), in the module's words."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils import _session
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import OPTION_NAMES, VARIABLE_PREFIX
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action_module import plain_values


def connection_variables(variables, templar=None):
    """The hwcloud_workspace_<option> variables that are set and not null, templated with templar, by variable name.

    A lookup gets the variables as written, so hwcloud_workspace_secret_key: "{{ vault_sk }}" would arrive as that
    text; only the variables the connection options read are templated.
    """
    variables = variables or {}
    found = dict((VARIABLE_PREFIX + name, variables[VARIABLE_PREFIX + name]) for name in OPTION_NAMES
                 if variables.get(VARIABLE_PREFIX + name) is not None)
    if templar is not None:
        found = dict((name, templar.template(value)) for name, value in found.items())
    return found


def plugin_options(spec, keywords, found_variables, **rules):
    """The validated options of a plugin (spec: _session.argument_spec of its own options): keywords, else the
    connection variables found (connection_variables), else the environment and the defaults. A keyword given as
    None counts as not given.

    A variable's value is checked under the variable's name, as the roles' argument specs name it; a variable whose
    option is given as a keyword is not looked at. Raises WorkspaceConfigError with every message of a step.
    """
    used = dict((name, value) for name, value in found_variables.items()
                if keywords.get(name[len(VARIABLE_PREFIX):]) is None)
    variable_spec = dict((name, dict((key, value) for key, value in spec[name[len(VARIABLE_PREFIX):]].items()
                                     if key not in ('default', 'fallback')))
                         for name in used)
    checked = _session.validate(variable_spec, plain_values(used))
    params = dict((name[len(VARIABLE_PREFIX):], value) for name, value in checked.items() if value is not None)
    params.update(plain_values(keywords))
    return _session.validate(spec, params, **rules)
