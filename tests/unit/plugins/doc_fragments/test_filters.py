# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filters fragment (the module's and the lookup's filters) documents the choices that the code declares:
the status vocabulary and the sort options of _export_tasks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import yaml

from ansible_collections.hwcloud.workspace.plugins.doc_fragments.filters import ModuleDocFragment
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_task_info
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    CREATING,
    EXPIRED,
    FAIL,
    FINAL_STATUSES,
    NO_FILE_STATUSES,
    SORT_FIELDS,
    SORT_TYPES,
    STATUSES,
    SUCCESS,
)

DOCUMENTED = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']


def test_the_status_vocabulary_is_the_api_s_four_words_and_its_subsets():
    assert STATUSES == (CREATING, SUCCESS, FAIL, EXPIRED) == ('CREATING', 'SUCCESS', 'FAIL', 'EXPIRED')
    assert FINAL_STATUSES == tuple(status for status in STATUSES if status != CREATING)
    assert set(NO_FILE_STATUSES) == set(FINAL_STATUSES) - {SUCCESS}


def test_the_fragment_documents_the_declared_choices():
    assert DOCUMENTED['status']['choices'] == list(STATUSES)
    assert DOCUMENTED['sort_field']['choices'] == list(SORT_FIELDS)
    assert DOCUMENTED['sort_type']['choices'] == list(SORT_TYPES)


def test_the_module_s_argument_spec_takes_its_choices_from_the_declaration():
    spec = export_task_info.argument_spec()
    assert spec['status']['choices'] == list(STATUSES)
    assert spec['sort_field']['choices'] == list(SORT_FIELDS)
    assert spec['sort_type']['choices'] == list(SORT_TYPES)
