# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the integration target filter_export_rows cannot check: hostile files within the stated bounds (peak memory
measured in a process of its own), cell types openpyxl writes, every emulator export, and the missing dependency."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import io
import itertools
import json
import os
import struct
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from ansible_collections.hwcloud.workspace.plugins.plugin_utils import _export_rows
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._export_rows import ExportRowsError, read_rows
from ansible_collections.hwcloud.workspace.tools.workspace_emulator import files
from ansible_collections.hwcloud.workspace.tools.workspace_emulator.exports import OPERATIONS

MIB = 1024 * 1024
# What reading a file may add to the process's peak memory beyond the rows it returns, as the documentation states it.
MEMORY_BOUND = _export_rows.MEMORY_BOUND
MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'

# Reads a file in a fresh process and prints the outcome and how much the peak resident memory grew while reading.
MEASURE = r'''
import json, sys
import openpyxl  # imported before the baseline: its code is not what is measured
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._export_rows import ExportRowsError, read_rows

def memory(field):
    with open('/proc/self/status') as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field + ':'))

base = memory('VmRSS')
try:
    outcome = {'rows': read_rows(sys.argv[1])}  # the files measured hold a row or two
except ExportRowsError as exc:
    outcome = {'error': str(exc)}
outcome['grew'] = memory('VmHWM') - base
print(json.dumps(outcome))
'''


def measured_read(path):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    output = subprocess.run([sys.executable, '-c', MEASURE, str(path)], check=True, capture_output=True, text=True, env=environment)
    return json.loads(output.stdout)


def workbook_bytes(sheet_xml, extra_parts=()):
    """An .xlsx whose first sheet is sheet_xml (bytes or a list of byte chunks, written as a stream)."""
    rows = [('Name', 'Count'), ('alpha', 1)]
    buffer = io.BytesIO(files.xlsx_bytes(rows))
    output = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name == 'xl/worksheets/sheet1.xml':
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, 'w') as stream:
                    for chunk in ([sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml):
                        stream.write(chunk)
            else:
                target.writestr(name, source.read(name), zipfile.ZIP_DEFLATED)
        for name, content in extra_parts:
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def sheet(rows_xml, head=b''):
    return b'<?xml version="1.0" encoding="UTF-8"?>' + head + b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>' + rows_xml + \
        b'</sheetData></worksheet>'


HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Count</t></is></c></row>'


# Every export of the emulator reads the same from .xlsx and .csv.

def test_every_start_operation_of_the_emulator_has_its_file_columns():
    assert {operation.name for operation in OPERATIONS} <= set(files.FILES)
    assert all(len(set(header)) == len(header) for header, _make_row in files.FILES.values())


@pytest.mark.parametrize('operation', sorted(files.FILES))
def test_every_emulator_export_reads_the_same_from_xlsx_and_csv(tmp_path, operation):
    rows = files.rows(operation, 'task-%s' % operation, datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone.utc))
    from_xlsx = read_rows(write(tmp_path, 'export.xlsx', files.xlsx_bytes(rows)))
    from_csv = read_rows(write(tmp_path, 'export.csv', files.csv_bytes(rows)))
    assert from_xlsx == from_csv
    assert len(from_xlsx) == len(rows) - 1 and all(list(row) == list(rows[0]) for row in from_xlsx)
    assert any(value is None for row in from_xlsx for value in row.values())


def test_desktop_usage_rows_have_idle_days_and_times(tmp_path):
    rows = files.rows('ExportDesktopUsageMetricNew', 'task-1', datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone.utc))
    read = read_rows(write(tmp_path, 'usage.xlsx', files.xlsx_bytes(rows)))
    assert all(isinstance(row['Idle Days'], int) and isinstance(row['Usage (hours)'], float) for row in read)
    assert [row for row in read if row['Idle Days'] >= 30] and [row for row in read if row['Idle Days'] < 30]
    assert all(row['Last Connection Time'] is None or datetime.datetime.fromisoformat(row['Last Connection Time']) for row in read)


# Cell types as openpyxl writes them, several sheets, columns, limit.

def test_types_of_a_workbook_with_several_sheets(tmp_path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = 'Summary'
    first.append(['Only'])
    first.append(['first sheet'])
    data = workbook.create_sheet('Data')
    data.append([None])  # an empty first row: the header is the first row that is not empty
    data.append(['Text', 'Whole', 'Decimal', 'Flag', 'When', 'Day', 'Clock', 'Took', 'Empty', 2026])
    data.append(['a', 7, 2.5, True, datetime.datetime(2026, 11, 2, 10, 0, 5), datetime.datetime(2026, 11, 2), datetime.time(8, 30),
                 datetime.timedelta(days=1, hours=2, minutes=3, seconds=4), None, 'year'])
    data.append([None] * 10)
    data.append(['', -3, 0.0, False, datetime.datetime(2026, 11, 3, 0, 0, 0, 250000), None, None, None, None, None])
    data['D3'].number_format = 'General'
    data['F3'].number_format = 'yyyy-mm-dd'
    data['H3'].number_format = '[h]:mm:ss'
    path = str(tmp_path / 'types.xlsx')
    workbook.save(path)
    assert read_rows(path) == [{'Only': 'first sheet'}]
    rows = read_rows(path, sheet='Data')
    assert rows == [
        {'Text': 'a', 'Whole': 7, 'Decimal': 2.5, 'Flag': True, 'When': '2026-11-02T10:00:05', 'Day': '2026-11-02T00:00:00',
         'Clock': '08:30:00', 'Took': 'P1DT2H3M4S', 'Empty': None, '2026': 'year'},
        {'Text': None, 'Whole': -3, 'Decimal': 0.0, 'Flag': False, 'When': '2026-11-03T00:00:00.250', 'Day': None, 'Clock': None,
         'Took': None, 'Empty': None, '2026': None},
    ]
    assert all(type(value) in (str, int, float, bool, type(None)) for row in rows for value in row.values())
    assert read_rows(path, sheet='Data', columns=['Whole', 'Text'], limit=1) == [{'Whole': 7, 'Text': 'a'}]


# Hostile and damaged files.

def test_a_truncated_xlsx_fails_clearly(tmp_path):
    content = files.xlsx_bytes([('Name',), ('alpha',)])
    path = write(tmp_path, 'cut.xlsx', content[:len(content) // 2])
    with pytest.raises(ExportRowsError, match=r'cut\.xlsx: not a valid \.xlsx file \(a zip archive\), or cut short'):
        read_rows(path)


def test_a_corrupt_part_fails_clearly(tmp_path):
    content = bytearray(workbook_bytes(sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>' * 200)))
    start = content.index(b'xl/worksheets/sheet1.xml') + len('xl/worksheets/sheet1.xml')
    for offset in range(start + 40, start + 80):
        content[offset] ^= 0x5A
    path = write(tmp_path, 'corrupt.xlsx', bytes(content))
    with pytest.raises(ExportRowsError, match=r'corrupt\.xlsx: .*(zip|CRC|compressed|deflat|invalid)'):
        read_rows(path)


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_read(tmp_path):
    filler = b' ' * MIB
    path = write(tmp_path, 'bomb.xlsx', workbook_bytes([sheet(HEADER_ROW)[:-len(b'</sheetData></worksheet>')]] + [filler] * 300
                                                       + [b'</sheetData></worksheet>']))
    assert os.path.getsize(path) < 2 * MIB
    outcome = measured_read(path)
    assert 'bomb.xlsx: the part xl/worksheets/sheet1.xml expands' in outcome['error'] and 'more than 200' in outcome['error']
    assert outcome['grew'] < MEMORY_BOUND


def test_shared_strings_as_many_as_the_part_bound_allows_stay_within_the_memory_bound(tmp_path):
    strings, size, number = [], 0, 0
    while True:  # the shortest distinct strings that do not compress past the ratio bound fill the part
        item = b'<si><t>%x</t></si>' % (number * 2654435761 % 2 ** 32)
        if size + len(item) + 200 > _export_rows.MAX_PART_BYTES:
            break
        strings.append(item)
        size += len(item)
        number += 1
    shared = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s">%s</sst>' % (MAIN.encode(), b''.join(strings))
    content = workbook_bytes(sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2"><v>1</v></c></row>'),
                             extra_parts=[('xl/sharedStrings.xml', shared)])
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read('[Content_Types].xml').replace(b'</Types>', (
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                target.writestr(name, types if name == '[Content_Types].xml' else source.read(name))
    path = write(tmp_path, 'strings.xlsx', output.getvalue())
    outcome = measured_read(path)  # each read of that part takes seconds: one, in the process that measures it
    assert outcome['rows'] == [{'Name': (b'%x' % (5 * 2654435761 % 2 ** 32)).decode(), 'Count': 1}]
    assert outcome['grew'] < MEMORY_BOUND


def test_declared_sizes_are_bounded(tmp_path, monkeypatch):
    path = write(tmp_path, 'big.xlsx', workbook_bytes(sheet(HEADER_ROW), extra_parts=[('xl/sharedStrings.xml', b'<sst/>' + b' ' * 4096)]))
    monkeypatch.setattr(_export_rows, 'MAX_PART_BYTES', 4096)
    with pytest.raises(ExportRowsError, match=r'the part xl/sharedStrings\.xml expands to 4102 bytes, more than 4096'):
        read_rows(path)
    monkeypatch.setattr(_export_rows, 'MAX_PART_BYTES', 16 * MIB)
    monkeypatch.setattr(_export_rows, 'MAX_TOTAL_BYTES', 4096)
    with pytest.raises(ExportRowsError, match=r'the parts expand to more than 4096 bytes'):
        read_rows(path)


def test_a_part_larger_than_it_declares_is_not_read_beyond_its_declared_size(tmp_path):
    content = bytearray(workbook_bytes(sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>more</t></is></c></row>' * 5000)))
    name = b'xl/worksheets/sheet1.xml'
    central = content.index(b'PK\x01\x02')
    while content[central + 46:central + 46 + len(name)] != name:
        central = content.index(b'PK\x01\x02', central + 4)
    local = struct.unpack('<I', content[central + 42:central + 46])[0]
    for offset in (central + 24, local + 22):  # the uncompressed size, in the central directory and in the local header
        content[offset:offset + 4] = struct.pack('<I', 1000)
    path = write(tmp_path, 'liar.xlsx', bytes(content))
    with pytest.raises(ExportRowsError, match=r'liar\.xlsx: .*(CRC|declared|cut short)'):
        read_rows(path)


@pytest.mark.parametrize('where, head', [
    ('sheet', b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'),
    ('sheet', b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'),
    ('docProps/app.xml', b''),
    ('xl/worksheets/sheet2.dat', b''),  # a part that relationships could name as a sheet: checked whatever its name
])
def test_xml_with_a_dtd_is_refused(tmp_path, where, head):
    if where == 'sheet':
        content = workbook_bytes(sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol3;</t></is></c></row>', head=head))
        part = 'xl/worksheets/sheet1.xml'
    else:
        content = workbook_bytes(sheet(HEADER_ROW), extra_parts=[(where, b'<?xml version="1.0"?><!DOCTYPE p SYSTEM '
                                                                  b'"http://127.0.0.1:9/evil.dtd"><Properties/>')])
        part = where
    path = write(tmp_path, 'dtd.xlsx', content)
    with pytest.raises(ExportRowsError, match=r'dtd\.xlsx: the part %s has a DTD' % part.replace('.', r'\.')):
        read_rows(path)


def test_xml_in_another_encoding_is_refused(tmp_path):
    content = workbook_bytes(sheet(HEADER_ROW).replace(b'UTF-8', b'UTF-16').decode('ascii').encode('utf-16'))
    with pytest.raises(ExportRowsError, match=r'the part xl/worksheets/sheet1\.xml is not UTF-8 XML'):
        read_rows(write(tmp_path, 'utf16.xlsx', content))
    content = workbook_bytes(sheet(HEADER_ROW).replace(b'UTF-8', b'ISO-8859-1'))
    with pytest.raises(ExportRowsError, match=r'declares the encoding ISO-8859-1'):
        read_rows(write(tmp_path, 'latin.xlsx', content))


@pytest.mark.parametrize('part', ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.dat'])
def test_a_row_of_more_than_a_mebibyte_is_refused_in_any_sheet(tmp_path, part):
    huge = sheet(HEADER_ROW + b'<row r="2">' + b''.join(b'<c><v>%d</v></c>' % (number * 7919 % 1000003) for number in range(80000))
                 + b'</row>')
    content = workbook_bytes(huge) if part.endswith('.xml') else workbook_bytes(sheet(HEADER_ROW), extra_parts=[(part, huge)])
    with pytest.raises(ExportRowsError, match=r'the part %s has a row \(or XML between rows\) of more than 1048576 bytes'
                       % part.replace('.', r'\.')):
        read_rows(write(tmp_path, 'wide.xlsx', content))


def test_a_million_empty_rows_are_read_within_bounds(tmp_path):
    empty_rows = (b'<row r="%d"/>' % number for number in range(3, 1000003))
    last = b'<row r="1000003"><c r="A1000003" t="inlineStr"><is><t>after the gap</t></is></c></row>'
    data = b'<row r="2"><c r="A2" t="inlineStr"><is><t>alpha</t></is></c><c r="B2"><v>1</v></c></row>'
    head = sheet(HEADER_ROW + data)[:-len(b'</sheetData></worksheet>')]
    chunks = [head] + [b''.join(itertools.islice(empty_rows, 10000)) for _block in range(100)] + [last, b'</sheetData></worksheet>']
    path = write(tmp_path, 'gap.xlsx', workbook_bytes(chunks))
    outcome = measured_read(path)
    assert outcome['rows'] == [{'Name': 'alpha', 'Count': 1}]  # the data ends after 1,000,000 empty rows
    assert outcome['grew'] < MEMORY_BOUND


def test_a_sheet_claiming_every_row_and_column_is_read_within_bounds(tmp_path):
    claim = b'<dimension ref="A1:XFD1048576"/>'
    content = sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>alpha</t></is></c><c r="XFD2"><v>9</v></c></row>'
                    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>').replace(b'<sheetData>', claim + b'<sheetData>')
    path = write(tmp_path, 'claim.xlsx', workbook_bytes(content))
    outcome = measured_read(path)
    assert outcome['rows'] == [{'Name': 'alpha', 'Count': None}]
    assert outcome['grew'] < MEMORY_BOUND


def test_a_header_wider_than_the_bound_is_refused(tmp_path):
    header = b'<row r="1">' + b''.join(b'<c r="%s1" t="inlineStr"><is><t>c%d</t></is></c>' % (_export_rows.column_letter(index).encode(), index)
                                       for index in range(1100)) + b'</row>'
    with pytest.raises(ExportRowsError, match=r'the header row \(row 1\) has more than 1024 columns'):
        read_rows(write(tmp_path, 'header.xlsx', workbook_bytes(sheet(header))))


def test_more_rows_than_the_bound_ask_for_limit_or_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(_export_rows, 'MAX_CELLS', 10)
    path = write(tmp_path, 'many.csv', b'Name,Count\n' + b'a,1\n' * 6)
    with pytest.raises(ExportRowsError, match=r'many\.csv: more than 500000 rows or 10 cells .*limit= or columns='):
        read_rows(path)
    assert len(read_rows(path, columns=['Name'])) == 6 and len(read_rows(path, limit=5)) == 5


def test_a_csv_with_a_100_mb_line_fails_within_bounds(tmp_path):
    path = tmp_path / 'line.csv'
    with open(str(path), 'wb') as handle:
        handle.write(b'Name,Note\r\nalpha,')
        for _mebibyte in range(100):
            handle.write(b'x' * MIB)
    outcome = measured_read(path)
    assert 'line.csv: a row longer than 1048576 characters' in outcome['error']
    assert outcome['grew'] < MEMORY_BOUND


def test_a_csv_quoted_cell_that_never_closes_is_bounded(tmp_path):
    path = write(tmp_path, 'quote.csv', b'Name,Note\r\nalpha,"' + b'line\r\n' * 300000)
    with pytest.raises(ExportRowsError, match=r'quote\.csv: (a row longer than 1048576 characters|not a valid CSV file: field larger)'):
        read_rows(path)


def test_a_csv_that_is_not_utf8_fails_clearly(tmp_path):
    path = write(tmp_path, 'latin.csv', 'Name\r\nJosé\r\n'.encode('latin-1'))
    with pytest.raises(ExportRowsError, match=r'latin\.csv: not UTF-8 text'):
        read_rows(path)


def test_csv_cells_become_numbers_and_iso_dates_only_when_they_are(tmp_path):
    path = write(tmp_path, 'cells.csv', b'a,b,c,d,e,f,g,h\r\n1,01,+1,1.50,1e3,2026-02-30,2026-02-28 23:59,2026-02-28T23:59:58.5\r\n')
    assert read_rows(path) == [{'a': 1, 'b': '01', 'c': '+1', 'd': 1.5, 'e': '1e3', 'f': '2026-02-30', 'g': '2026-02-28T23:59:00',
                                'h': '2026-02-28T23:59:58.500'}]


def test_the_filter_fails_naming_openpyxl_when_it_is_missing_and_csv_still_works(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'openpyxl', None)  # import openpyxl now raises ImportError
    path = write(tmp_path, 'export.xlsx', files.xlsx_bytes([('Name',), ('alpha',)]))
    with pytest.raises(ExportRowsError) as raised:
        read_rows(path)
    assert 'needs the Python package openpyxl' in str(raised.value) and 'pip install openpyxl' in str(raised.value)
    assert read_rows(write(tmp_path, 'export.csv', files.csv_bytes([('Name',), ('alpha',)]))) == [{'Name': 'alpha'}]
