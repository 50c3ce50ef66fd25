# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""plugin_utils/_compat.py, the one file that touches ansible-core's internals, on the ansible-core of this leg.

Each function against the real classes it reaches into (ActionBase, AnsibleModule, ArgumentSpecValidator,
LookupBase), and a scan that fails, naming _compat.py, when any other plugin file uses a private name of core.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import glob
import os
import re
from types import SimpleNamespace

import ansible
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.action import ActionBase
from ansible.template import Templar

from ansible_collections.hwcloud.workspace.plugins.plugin_utils import _compat
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action_module import ControllerModule

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19 every string is a template
    def trust_as_template(value):
        return value

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
CORE = os.path.dirname(ansible.__file__)
# What ansible-core's developer guide gives an action plugin or a lookup to use (ActionBase's and LookupBase's
# attributes and helpers): underscored, yet the plugin interface itself.
PLUGIN_INTERFACE = {'_task', '_connection', '_play_context', '_loader', '_templar', '_shared_loader_obj', '_display',
                    '_execute_module'}
DEFINED = re.compile(r'\bdef (_[A-Za-z]\w*)|\bself\.(_[A-Za-z]\w*)\s*(?::[^=\n]*)?=(?!=)|^\s*(_[A-Za-z]\w*)\s*(?::[^=\n]*)?=(?!=)',
                     re.MULTILINE)


class Action(ActionBase):
    """The real ActionBase with nothing of its own but run."""

    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        return {}


def action(environment=None, variables=None):
    task = SimpleNamespace(environment=environment, async_val=0, check_mode=False, action='hwcloud.workspace.x', args={})
    connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir=None, env_prefix=lambda **kwargs: ''))
    return Action(task, connection, SimpleNamespace(), DataLoader(), Templar(loader=DataLoader(), variables=variables or {}),
                  None)


def test_task_environment_merges_the_layers_templated_the_task_last():
    layers = [{'PLAY': 'p', 'BOTH': 'play'}, {}, {'BOTH': trust_as_template('{{ value }}'), 'TASK': 't'}]
    assert _compat.task_environment(action(layers, {'value': 'task'})) == {'PLAY': 'p', 'BOTH': 'task', 'TASK': 't'}
    assert _compat.task_environment(action(None)) == {}


def test_without_async_lowers_the_flag_for_the_block_and_restores_the_class_value():
    instance = action()
    with _compat.without_async(instance) as inside:
        assert inside is instance and instance._supports_async is False  # pylint: disable=protected-access
    assert instance._supports_async is True and '_supports_async' not in vars(instance)  # pylint: disable=protected-access


def test_facts_are_registered_in_both_fact_layers_outside_async_where_core_has_the_layers():
    calls = []

    class Recording(Action):
        def register_host_variables(self, variables, layer=None):
            calls.append((variables, layer, self._supports_async))

    base = action()
    instance = Recording(base._task, base._connection, base._play_context, base._loader, base._templar, None)  # pylint: disable=protected-access
    _compat.register_facts_as_variables(instance, {'fact': 1})
    _compat.register_facts_as_variables(instance, {})
    if _compat.VariableLayer is None:
        assert calls == []  # before 2.21 a module's ansible_facts are top-level variables already
    else:
        layers = [_compat.VariableLayer.CACHEABLE_FACT, _compat.VariableLayer.EPHEMERAL_FACT]
        assert calls == [({'fact': 1}, layer, False) for layer in layers]
        assert instance._supports_async is True  # pylint: disable=protected-access


def test_invocation_is_injected_as_this_core_does():
    from ansible import constants
    if 'INJECT_INVOCATION' in constants.config.get_configuration_definitions():
        assert _compat.injects_invocation({}) is False
        assert _compat.injects_invocation({'ansible_inject_invocation': True}) is True
    else:
        assert _compat.injects_invocation({}) is True


# Private attributes AnsibleModule's methods read that ControllerModule leaves unset, and why.
NOT_NEEDED = {
    '_syslog_facility': 'read only by log() and _log_invocation(): ControllerModule.log logs nothing, and nothing calls the other',
}


def test_the_controller_module_has_every_private_attribute_that_ansible_modules_init_sets():
    """Every private attribute that AnsibleModule.__init__ sets and another of its methods reads: a new
    ansible-core that adds one fails here, naming it."""
    with open(os.path.join(CORE, 'module_utils', 'basic.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    cls = next(node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == 'AnsibleModule')
    init = next(node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == '__init__')
    assigned = set(node.attr for node in ast.walk(init) if self_attribute(node, ast.Store))
    read = set(node.attr for method in cls.body if isinstance(method, ast.FunctionDef) and method is not init
               for node in ast.walk(method) if self_attribute(node, ast.Load))
    module = ControllerModule('hwcloud.workspace.x', {'name': {'type': 'str'}}, {'name': 'a'}, diff=True)
    missing = sorted(name for name in assigned & read if name.startswith('_') and not name.startswith('__')
                     and not hasattr(module, name) and name not in NOT_NEEDED)
    assert missing == [], 'AnsibleModule.__init__ sets %s: plugins/plugin_utils/_compat.py set_module_internals' % missing
    assert module._name == 'hwcloud.workspace.x' and module._diff is True  # pylint: disable=protected-access
    assert all(name in assigned & read for name in NOT_NEEDED), 'no longer read by AnsibleModule: drop from NOT_NEEDED'


def self_attribute(node, context):
    return (isinstance(node, ast.Attribute) and isinstance(node.ctx, context) and isinstance(node.value, ast.Name)
            and node.value.id == 'self')


def test_validation_details_are_copies_of_what_the_validator_found():
    spec = {'token': {'type': 'str', 'no_log': True}, 'name': {'type': 'str', 'aliases': ['label'],
                                                               'deprecated_aliases': [{'name': 'label', 'version': '9.0.0',
                                                                                       'collection_name': 'hwcloud.workspace'}]}}
    result = ArgumentSpecValidator(spec).validate({'token': 'hush', 'label': 'x', 'name': 'y'})
    details = _compat.validation_details(result)
    assert details.no_log_values == {'hush'}
    assert details.aliases == {'label': 'name'}
    assert details.alias_warnings == [{'option': 'name', 'alias': 'label'}]  # both given
    assert [(entry['version'], "'label'" in entry['msg']) for entry in details.deprecations] == [('9.0.0', True)]
    details.no_log_values.add('other')
    assert _compat.validation_details(result).no_log_values == {'hush'}


def test_flatten_terms_spreads_one_level_as_core_lookups_do():
    assert _compat.flatten_terms([['a', 'b'], 'c', []]) == ['a', 'b', 'c']


def core_private_names():
    names = set()
    for path in glob.glob(os.path.join(CORE, '**', '*.py'), recursive=True):
        with open(path, encoding='utf-8', errors='replace') as handle:
            names.update(name for match in DEFINED.findall(handle.read()) for name in match if name)
    return names


def test_no_plugin_but_compat_touches_a_private_name_of_ansible_core():
    """A private name of core (defined by ansible-core, not by the collection), used anywhere in plugins/ or
    extensions/ but _compat.py, beyond the plugin interface."""
    files = sorted(glob.glob(os.path.join(COLLECTION, 'plugins', '**', '*.py'), recursive=True)
                   + glob.glob(os.path.join(COLLECTION, 'extensions', '**', '*.py'), recursive=True))
    ours = set()
    for path in files:
        with open(path, encoding='utf-8') as handle:
            ours.update(name for match in DEFINED.findall(handle.read()) for name in match if name)
    core = core_private_names() - ours - PLUGIN_INTERFACE
    found = []
    for path in files:
        if os.path.basename(path) == '_compat.py':
            continue
        with open(path, encoding='utf-8') as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in core:
                found.append('%s:%d %s' % (os.path.relpath(path, COLLECTION), node.lineno, node.attr))
            elif isinstance(node, ast.ImportFrom) and (node.module or '').startswith('ansible.'):
                private = [alias.name for alias in node.names if alias.name.startswith('_')]
                if private or '._' in node.module:
                    names = ', '.join(alias.name for alias in node.names)
                    found.append('%s:%d from %s import %s' % (os.path.relpath(path, COLLECTION), node.lineno, node.module, names))
    assert found == [], 'ansible-core internals belong in plugins/plugin_utils/_compat.py: %s' % found
