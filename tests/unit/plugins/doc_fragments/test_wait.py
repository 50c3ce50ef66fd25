# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait contract: one doc fragment, one argument spec, the same in every module that waits, and no module
option (or alias) that shadows a connection option."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.doc_fragments.wait import ModuleDocFragment
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import (
    export_file as export_file_operation,
    export_task as export_task_operation,
    export_task_info as export_task_info_operation,
    wait_for_exports as wait_for_exports_operation,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import connection_argument_spec
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WAIT_ARG_SPEC
from ansible_collections.hwcloud.workspace.plugins.modules import export_file, export_task, export_task_info, wait_for_exports

OPERATIONS = {'export_task_info': export_task_info_operation, 'export_task': export_task_operation,
              'export_file': export_file_operation, 'wait_for_exports': wait_for_exports_operation}
MODULES = {'export_task_info': export_task_info, 'export_task': export_task, 'export_file': export_file,
           'wait_for_exports': wait_for_exports}
WAITING = ('export_task_info', 'export_task', 'wait_for_exports')


def test_the_fragment_documents_exactly_the_wait_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(documented) == set(WAIT_ARG_SPEC)
    for name, spec in WAIT_ARG_SPEC.items():
        assert (documented[name]['type'], documented[name]['default']) == (spec['type'], spec['default'])


@pytest.mark.parametrize('name', WAITING)
def test_every_module_that_waits_takes_the_wait_contract_as_it_is(name):
    spec = OPERATIONS[name].argument_spec()
    assert dict((option, spec[option]) for option in WAIT_ARG_SPEC) == WAIT_ARG_SPEC
    documentation = yaml.safe_load(MODULES[name].DOCUMENTATION)
    assert 'hwcloud.workspace.wait' in documentation['extends_documentation_fragment']
    assert not set(WAIT_ARG_SPEC) & set(documentation['options']), 'documented twice'


@pytest.mark.parametrize('name', sorted(OPERATIONS))
def test_no_option_or_alias_shadows_a_connection_option(name):
    connection = set(connection_argument_spec())
    for option, spec in OPERATIONS[name].argument_spec().items():
        names = {option} | set(spec.get('aliases', ()))
        assert not names & connection, '%s: %s shadows a connection option' % (name, names & connection)
