# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every hand-written list of the connection options agrees with their one table
(plugins/module_utils/_connection_options.py): names, types, defaults, secrets, and environment variables in
precedence order. A new option is the table, its consumer (_connection.resolve_connection) and these docs; the
argument spec, the environment fallback, the secret list, the lookup's and the event source's validation and the
Automation Platform credential type's check (test_credential_type.py) follow from the table."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import re

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.hwcloud.workspace.plugins.doc_fragments.filters import ModuleDocFragment as FiltersFragment
from ansible_collections.hwcloud.workspace.plugins.doc_fragments.listing import ModuleDocFragment as ListingFragment
from ansible_collections.hwcloud.workspace.plugins.lookup import export_tasks as lookup_plugin
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import PROFILE_FILE_ENV
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import (
    CONNECTION_OPTIONS,
    OPTION_NAMES,
    VARIABLE_PREFIX,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = dict((option.name, option) for option in CONNECTION_OPTIONS)
ROLES = ('export_and_download', 'wait_for_exports')
# An environment variable of the connection named in a description: E(HUAWEICLOUD_SDK_AK), E(HW_REGION_NAME).
ENV_MENTION = re.compile(r'E\(((?:HUAWEICLOUD_SDK|HW)_[A-Z0-9_]+)\)')


def read(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return handle.read()


def load(*path):
    return yaml.safe_load(read(*path))


def env_mentioned(documented):
    """The connection's environment variables a documented option names, in the order it names them."""
    names = ENV_MENTION.findall(' '.join(documented.get('description') or ()))
    return tuple(name for name in dict.fromkeys(names) if name != PROFILE_FILE_ENV)


def event_source():
    path = os.path.join(ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'export_tasks.py')
    spec = importlib.util.spec_from_file_location('hwcloud_workspace_event_source_for_release_test', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_documents_the_table(documented, where):
    """documented (name: option documentation) describes exactly the table's options, in its order, with its types,
    defaults and environment variables in precedence order."""
    assert list(documented) == list(OPTION_NAMES), where
    for name, option in TABLE.items():
        entry = documented[name]
        assert entry['type'] == option.type, (where, name)
        assert entry.get('default') == option.default, (where, name)
        assert entry.get('choices') == (list(option.choices) if option.choices else None), (where, name)
        assert env_mentioned(entry) == option.env, (where, name, 'environment variables, in precedence order')


def test_the_module_fragment_documents_the_table():
    assert_documents_the_table(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options'], 'connection fragment')


def test_the_plugins_fragment_gives_each_option_its_environment_in_precedence_order_and_its_variable():
    documented = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
    assert list(documented) == list(OPTION_NAMES)
    for name, option in TABLE.items():
        assert tuple(entry['name'] for entry in documented[name].get('env') or ()) == option.env, name
        assert [entry['name'] for entry in documented[name]['vars']] == [VARIABLE_PREFIX + name], name


def test_the_event_source_documents_the_table_and_its_own_options():
    source = event_source()
    documented = yaml.safe_load(source.DOCUMENTATION)['options']
    connection = dict((name, entry) for name, entry in documented.items() if name not in source.OPTIONS)
    assert_documents_the_table(connection, 'event source')
    for name, spec in source.OPTIONS.items():
        entry = documented[name]
        assert (entry['type'], entry.get('elements'), entry.get('default'), entry.get('choices')) == (
            spec['type'], spec.get('elements'), spec.get('default'), spec.get('choices')), name


def test_the_lookup_documents_its_spec():
    documentation = yaml.safe_load(lookup_plugin.DOCUMENTATION)
    assert documentation['extends_documentation_fragment'] == [
        'hwcloud.workspace.connection', 'hwcloud.workspace.filters', 'hwcloud.workspace.listing',
        'hwcloud.workspace.connection.plugins']
    documented = dict(yaml.safe_load(FiltersFragment.DOCUMENTATION)['options'],
                      **yaml.safe_load(ListingFragment.DOCUMENTATION)['options'], **documentation['options'])
    del documented['_terms']
    assert set(documented) == set(lookup_plugin.OPTIONS) and not set(documented) & set(OPTION_NAMES)
    for name, spec in lookup_plugin.OPTIONS.items():
        assert (documented[name]['type'], documented[name].get('choices')) == (spec['type'], spec.get('choices')), name


@pytest.mark.parametrize('role', ROLES)
def test_each_role_documents_a_variable_for_every_option(role):
    documented = load('roles', role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    variables = dict((name[len(VARIABLE_PREFIX):], entry) for name, entry in documented.items()
                     if name.startswith(VARIABLE_PREFIX))
    assert sorted(variables) == sorted(OPTION_NAMES)
    for name, option in TABLE.items():
        entry = variables[name]
        # Text as text; the rest raw, converted by the module in the same words on every ansible-core.
        assert entry['type'] == (option.type if option.type in ('str', 'path') else 'raw'), name
        assert entry.get('no_log', False) is option.secret, name
        # No default: it would hide module_defaults and the environment.
        assert 'default' not in entry and env_mentioned(entry) == option.env, name


@pytest.mark.parametrize('role', ROLES)
def test_each_role_passes_every_option_and_defaults_none(role):
    role_vars = load('roles', role, 'vars', 'main.yml')
    assert sorted(role_vars['%s__options' % role]) == sorted(OPTION_NAMES)
    assert len(role_vars['%s__options' % role]) == len(OPTION_NAMES)
    defaults = load('roles', role, 'defaults', 'main.yml')
    assert not [name for name in defaults if name.startswith(VARIABLE_PREFIX)]


def test_both_roles_build_the_connection_with_one_idiom():
    expressions = [load('roles', role, 'vars', 'main.yml')['%s__connection' % role].replace(role + '__', 'ROLE__')
                   for role in ROLES]
    assert expressions[0] == expressions[1]


def test_the_readme_table_lists_every_option_with_its_environment_in_precedence_order():
    rows = re.findall(r'^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|([^|]*)\|[^|]*\|$', read('README.md'), re.MULTILINE)
    listed = {}
    for names, environment in rows:
        for name in re.findall('`([a-z_]+)`', names):
            listed[name] = tuple(re.findall('`([A-Z0-9_]+)`', environment))
    assert listed == dict((name, option.env) for name, option in TABLE.items())


def test_the_event_source_guide_lists_every_option():
    guide = read('docs', 'docsite', 'rst', 'guide_event_source.rst')
    row = re.search(r'\* - (``access_key``.*?)\n {5}-', guide, re.DOTALL).group(1)
    assert re.findall('``([a-z_]+)``', row) == list(OPTION_NAMES)
