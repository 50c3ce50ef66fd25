# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A lookup's option resolution: core's documented options (keywords, variables, environment), in the module's
words (an action plugin validates its module's options with plugin_utils/_action_module.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleOptionsError
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import SECRET_OPTIONS
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub, secret_values


def _check_keyword(definitions, name, value):
    """The module's words for a bad choice or boolean; core would read an unknown word as false."""
    definition = definitions[name]
    if value is None:
        return
    if definition.get('choices') and value not in definition['choices']:
        raise AnsibleOptionsError('%s must be one of %s, got %r' % (name, ', '.join(definition['choices']), value))
    if definition.get('type') in ('bool', 'boolean'):
        try:
            boolean(value, strict=True)
        except TypeError:
            raise AnsibleOptionsError('%s must be a boolean (true or false), got %r' % (name, value)) from None


def _option_variables(plugin, variables, templar):
    """The variables the plugin's options read (hwcloud_workspace_*) that are set, templated.

    A lookup gets the variables as written, so hwcloud_workspace_secret_key: "{{ vault_sk }}" would arrive
    as that text; only the variables the options read are templated.
    """
    names = set(entry['name'] for definition in plugin.option_definitions.values()
                for entry in definition.get('vars') or ())
    variables = variables or {}
    found = dict((name, variables[name]) for name in names if name in variables)
    if templar is not None:
        found = dict((name, templar.template(value)) for name, value in found.items())
    return found


def resolve_plugin_options(plugin, variables, keywords, templar=None):
    """Set a lookup's options: its keywords, else its variables (templated with templar), else the environment
    (core's public set_options).

    Raises AnsibleOptionsError, with every secret masked: for a bad choice or boolean in the module's words,
    otherwise core's message (which names the keyword or variable the value came from), with the plugin
    named by its FQCN as users know it rather than by its Python module.
    """
    for name, value in keywords.items():
        _check_keyword(plugin.option_definitions, name, value)
    found = _option_variables(plugin, variables, templar)
    try:
        plugin.set_options(var_options=found, direct=keywords)
    except AnsibleOptionsError as exc:
        message = to_native(exc.message).replace(repr(type(plugin).__module__), repr(plugin.ansible_name))
        cause = exc.__cause__
        if cause is not None and not any(repr(name) in message for name in SECRET_OPTIONS):
            message += ' (%s)' % to_native(cause)
        raise AnsibleOptionsError(scrub(message, secret_values(dict(found, **keywords)))) from None
