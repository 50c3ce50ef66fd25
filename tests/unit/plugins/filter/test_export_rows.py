# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filter plugin's own part: its name, its input (a path or the role's fact) and its errors as AnsibleFilterError."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import sys

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.workspace.plugins.filter.export_rows import FilterModule
from ansible_collections.hwcloud.workspace.tools.workspace_emulator import files

export_rows = FilterModule().filters()['export_rows']


@pytest.fixture
def export(tmp_path):
    path = tmp_path / 'UserList_20261105101112345.xlsx'
    path.write_bytes(files.xlsx_bytes([('User Name', 'Desktops'), ('alice', 2), ('bob', None)]))
    return str(path)


def test_a_path_and_the_role_fact_give_the_same_plain_rows(export):
    fact = {'path': export, 'size': 1, 'checksum': 'sha256:0', 'task_id': 't'}
    assert export_rows(export) == export_rows(fact) == [{'User Name': 'alice', 'Desktops': 2}, {'User Name': 'bob', 'Desktops': None}]
    assert export_rows(fact, columns=['Desktops'], limit=1) == [{'Desktops': 2}]


@pytest.mark.parametrize('source, options, words', [
    ('{export}', {'columns': ['Seats']}, "columns 'Seats' not in the header row; its columns are: 'User Name', 'Desktops'"),
    ('{export}', {'limit': True}, 'limit must be a whole number from 1 to 500000, got True'),
    ({'size': 3}, {}, 'the input is a dict without a "path" string'),
    (['a.xlsx'], {}, 'the input must be the path of an .xlsx or .csv file, or the fact export_and_download_file, got list'),
])
def test_errors_are_filter_errors_naming_the_filter(export, source, options, words):
    with pytest.raises(AnsibleFilterError) as raised:
        export_rows(export if source == '{export}' else source, **options)
    assert str(raised.value).startswith('hwcloud.workspace.export_rows: ') and words in str(raised.value)


def test_without_openpyxl_the_error_names_the_package_and_how_to_install_it(export, monkeypatch):
    monkeypatch.setitem(sys.modules, 'openpyxl', None)
    with pytest.raises(AnsibleFilterError, match=r'export_rows: .*UserList_20261105101112345\.xlsx: reading an \.xlsx file needs the Python '
                                                 r'package openpyxl .*"pip install openpyxl"'):
        export_rows(export)
