# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: export_rows
author:
  - Workspace collection maintainers (@hwcloud-workspace)
version_added: 2.0.0
short_description: The rows of a downloaded Workspace export file as a list of dicts
description:
  - Reads a downloaded export file (C(.xlsx) or C(.csv)) on the controller and returns its data rows as a list of dicts
    keyed by the header row, so that a playbook can loop over the desktops, users or usage figures of a report.
  - The input is the path of the file, or the fact C(export_and_download_file) of the role
    C(hwcloud.workspace.export_and_download) (its C(path) is read).
    A relative path is relative to the directory Ansible runs in; C(~) is expanded.
  - The format is the file name's extension. C(.xlsx) is read from its first sheet, or from O(sheet); C(.csv) is read as
    UTF-8, with or without a byte order mark.
  - The header row is the first row that is not empty; every column in it needs a name, and no name may repeat.
    Columns without a name after the last named one are ignored, and so are cells under them.
  - Empty cells are V(null); a row whose cells are all empty is skipped. Numbers are numbers (V(37), V(12.5)). Dates and
    times are ISO 8601 strings (V(2026-10-23T23:16:00), V(2026-10-23)). In a C(.csv), where every cell is text, a cell
    is a number when it is written as one without leading zeros or a sign other than C(-) and has at most 15 digits
    before the point (longer digit strings, such as IDs, stay strings); a date like V(2026-10-23 23:16:00) or
    V(2026/10/23) becomes ISO 8601.
  - Everything else is a string. The types are plain lists, dicts, strings, numbers, booleans and V(null), the same on every
    supported ansible-core.
  - "The file is read within bounds, whatever it holds: at most 500,000 data rows and 2,000,000 cells (rows times
    columns kept) are returned (more fail, asking for O(limit) or O(columns)); the header has at most 1,024 columns;
    reading stops after 1,000 consecutive empty rows (the data is taken to have ended there, so that a sheet that
    claims a million empty rows is read in bounded time); a row is at most 1 MiB (of XML in an C(.xlsx), of
    characters in a C(.csv), a long line included)."
  - "An C(.xlsx) is checked as a zip archive before it is read: every part's declared size (a worksheet at most 512 MiB,
    any other part at most 16 MiB, all of them at most 1 GiB, at most 1,000 parts), the compression ratio of a part
    over 1 MiB (at most 200), and, reading each part as a stream, its actual size, its encoding (UTF-8), the size of
    each row of a sheet, and the absence of a DTD (C(<!DOCTYPE), C(<!ENTITY)), so that entity expansion cannot happen. The worksheet is then read
    as a stream (openpyxl's read-only mode): memory holds the parts other than worksheets (at most 16 MiB each of
    XML), one row, and the rows returned. Within these bounds, reading adds at most 256 MiB to the controller's peak
    memory beyond the rows it returns, whatever the file holds."
  - A damaged, truncated or hostile file fails the task with a message naming the file and what is wrong with it, never a traceback.
positional: _input
options:
  _input:
    description:
      - The path of the export file, or the fact C(export_and_download_file) (a dict whose C(path) is the file).
    type: raw
    required: true
  columns:
    description:
      - Keep only these columns, named as in the header row; the dicts have these keys, in this order.
      - A name that is not in the header row fails, listing the header's columns.
    type: list
    elements: str
  limit:
    description:
      - Return at most this many data rows (1 to 500,000), the first ones; reading stops there.
    type: int
  sheet:
    description:
      - The name of the sheet to read in an C(.xlsx); by default the first sheet.
      - An unknown name fails, listing the sheets. Not for a C(.csv).
    type: str
requirements:
  - openpyxl (for C(.xlsx) files only, on the controller); without it, reading an C(.xlsx) fails saying how to install it.
    A C(.csv) needs nothing more.
notes:
  - The filter runs on the controller; the file must be there (as the role's downloads are, with C(delegate_to) or a
    local play).
  - C(openpyxl) is an optional dependency of this collection, needed by this filter only. In an execution environment it
    comes from C(meta/ee-requirements.txt).
'''

EXAMPLES = r'''
- name: Export desktop usage for the last 30 days and download the file
  ansible.builtin.include_role:
    name: hwcloud.workspace.export_and_download
  vars:
    export_and_download_kind: desktop_usage
    export_and_download_parameters:
      start_time: "{{ '%Y-%m-%dT00:00:00Z' | strftime(now(utc=true).timestamp() - 30 * 86400) }}"
      end_time: "{{ '%Y-%m-%dT00:00:00Z' | strftime(now(utc=true).timestamp()) }}"
    export_and_download_dest: /srv/reports

- name: The desktops idle for 30 days or more, from the role's fact
  ansible.builtin.set_fact:
    idle_desktops: >-
      {{ export_and_download_file | hwcloud.workspace.export_rows(columns=['Desktop Name', 'Idle Days'])
         | selectattr('Idle Days', 'ge', 30) | map(attribute='Desktop Name') | list }}

- name: The first ten rows of a downloaded desktop list, from a path
  ansible.builtin.debug:
    msg: "{{ '/srv/reports/DesktopList_20261105101112345.xlsx' | hwcloud.workspace.export_rows(limit=10) }}"

- name: One sheet of a workbook, and a CSV export
  ansible.builtin.set_fact:
    usage: "{{ '/srv/reports/usage.xlsx' | hwcloud.workspace.export_rows(sheet='DesktopUsageMetric') }}"
    users: "{{ '/srv/reports/UserList_20261105101112345.csv' | hwcloud.workspace.export_rows }}"
'''

RETURN = r'''
_value:
  description:
    - The data rows, in the file's order, each a dict keyed by the header row (or by O(columns)); a cell is a string, a
      number, a boolean, an ISO 8601 date or time string, or V(null) when empty.
  type: list
  elements: dict
  sample:
    - Desktop Name: wks-pc-001
      Idle Days: 37
      Usage (hours): 0.0
      Last Connection Time: "2026-10-23T23:16:00"
      Desktop Pool: null
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.workspace.plugins.plugin_utils._export_rows import ExportRowsError, read_rows, source_path


def export_rows(source, columns=None, limit=None, sheet=None):
    try:
        return read_rows(source_path(source), columns=columns, limit=limit, sheet=sheet)
    except ExportRowsError as exc:
        raise AnsibleFilterError('hwcloud.workspace.export_rows: %s' % exc) from None


class FilterModule(object):
    def filters(self):
        return {'export_rows': export_rows}
