# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ceiling on the tasks one listing holds: one doc fragment, one argument spec, the same in every front end
that lists (the modules, the lookup, the role that lists), with the role's default held to it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.doc_fragments.listing import ModuleDocFragment
from ansible_collections.hwcloud.workspace.plugins.lookup import export_tasks as lookup_export_tasks
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import (
    export_task_info as export_task_info_operation,
    wait_for_exports as wait_for_exports_operation,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import (
    MAX_TASKS_ARG_SPEC,
    MAX_TASKS_CEILING,
    check_max_tasks,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.modules import export_task_info, wait_for_exports

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'wait_for_exports')
LISTING = {'export_task_info': (export_task_info_operation, export_task_info),
           'wait_for_exports': (wait_for_exports_operation, wait_for_exports)}


def _yaml(*parts):
    with open(os.path.join(ROLE, *parts)) as handle:
        return yaml.safe_load(handle)


def test_the_fragment_documents_exactly_the_argument_spec_and_its_ceiling():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(documented) == set(MAX_TASKS_ARG_SPEC)
    for name, spec in MAX_TASKS_ARG_SPEC.items():
        assert (documented[name]['type'], documented[name]['default']) == (spec['type'], spec['default'])
        assert 'from 1 to %d' % MAX_TASKS_CEILING in documented[name]['description'][0]


@pytest.mark.parametrize('name', sorted(LISTING))
def test_every_module_that_lists_takes_the_option_as_it_is(name):
    operation, module = LISTING[name]
    spec = operation.argument_spec()
    assert dict((option, spec[option]) for option in MAX_TASKS_ARG_SPEC) == MAX_TASKS_ARG_SPEC
    documentation = yaml.safe_load(module.DOCUMENTATION)
    assert 'hwcloud.workspace.listing' in documentation['extends_documentation_fragment']
    assert not set(MAX_TASKS_ARG_SPEC) & set(documentation['options']), 'documented twice'


def test_the_lookup_documents_the_option_by_the_fragment():
    documentation = yaml.safe_load(lookup_export_tasks.DOCUMENTATION)
    assert 'hwcloud.workspace.listing' in documentation['extends_documentation_fragment']


def test_the_role_that_lists_passes_its_variable_with_the_same_default():
    default = MAX_TASKS_ARG_SPEC['max_tasks']['default']
    assert _yaml('defaults', 'main.yml')['wait_for_exports_max_tasks'] == default
    spec = _yaml('meta', 'argument_specs.yml')['argument_specs']['main']['options']['wait_for_exports_max_tasks']
    # raw: the module converts it (tests/release/test_connection_options.py says why)
    assert (spec['type'], spec['default']) == ('raw', default)
    task = _yaml('tasks', 'main.yml')[0]
    assert task['hwcloud.workspace.wait_for_exports']['max_tasks'] == '{{ wait_for_exports_max_tasks }}'


@pytest.mark.parametrize('value', [0, -1, MAX_TASKS_CEILING + 1, True, '10', None, 1.5])
def test_a_bad_ceiling_is_refused_naming_the_option_and_its_range(value):
    with pytest.raises(WorkspaceConfigError, match='^max_tasks must be a whole number from 1 to %d' % MAX_TASKS_CEILING):
        check_max_tasks(value)


@pytest.mark.parametrize('value', [1, MAX_TASKS_CEILING])
def test_the_bounds_are_allowed(value):
    assert check_max_tasks(value) == value
