# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rows of a downloaded export file (.xlsx, .csv) as plain Python data, read on the controller within bounds.

A file is data from outside: an .xlsx is checked as a zip archive (sizes, compression ratio, no DTD, UTF-8) before
openpyxl reads it in read-only (streaming) mode, and a .csv is read line by line with a bound on each row. Whatever
goes wrong is an ExportRowsError naming the file and the problem.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import codecs
import csv
import datetime
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping

# The bounds, stated in the filter's documentation (plugins/filter/export_rows.py) and held to it by the unit tests.
MAX_ROWS = 500000  # data rows returned
MAX_CELLS = 2000000  # data rows returned x columns kept
MAX_COLUMNS = 1024  # columns of the header row
MAX_EMPTY_ROWS = 1000  # consecutive empty rows after which the data is taken to have ended
MAX_ROW_BYTES = 1024 * 1024  # one row: XML bytes of an .xlsx row, characters of a .csv row (quoted line breaks included)
MAX_SHEET_BYTES = 512 * 1024 * 1024  # uncompressed size of one worksheet, read as a stream
MAX_PART_BYTES = 16 * 1024 * 1024  # uncompressed size of any other part of an .xlsx (shared strings, styles...): read whole
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # uncompressed size of all the parts
MAX_PARTS = 1000
EXCEL_MAX_ROWS = 1048576  # the most rows a sheet can have
MAX_RATIO = 200  # uncompressed / compressed size of a part larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
# What reading may add to the peak memory beyond the rows returned, within the bounds above (measured by the unit tests on
# hostile files: a sheet claiming a million rows, shared strings filling their bound, a zip bomb, a 100 MB CSV line).
MEMORY_BOUND = 256 * 1024 * 1024

OPENPYXL_MISSING = ('reading an .xlsx file needs the Python package openpyxl on the controller (an optional dependency of '
                    'hwcloud.workspace): install it into the Python that runs Ansible, for example with "pip install openpyxl", '
                    'or export the file as .csv, which needs nothing more')

_CHUNK = 64 * 1024
_WORKSHEET = re.compile(r'^xl/worksheets/[^/]+\.xml$')
_WORKSHEET_ROOT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?worksheet\b')  # a sheet by its content, whatever its part's name
_ROW_START = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b')
_XML_ENCODING = re.compile(rb'^\s*<\?xml[^>]*\bencoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')
_DTD = (b'<!DOCTYPE', b'<!ENTITY')
_CSV_INTEGER = re.compile(r'-?(?:0|[1-9][0-9]{0,14})\Z')  # longer digit strings (IDs) stay text, as do leading zeros
_CSV_DECIMAL = re.compile(r'-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}\Z')
_CSV_DATE_TIME = re.compile(r'([0-9]{4})[-/]([0-9]{2})[-/]([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?\Z')


class ExportRowsError(Exception):
    """A file that cannot be read as export rows, or options that do not fit it; the message says which and why."""


def source_path(source):
    """The file path of the filter's input: a path, or a dict with a `path` (the fact export_and_download_file)."""
    if isinstance(source, Mapping):
        if not isinstance(source.get('path'), str) or not source.get('path'):
            raise ExportRowsError('the input is a dict without a "path" string (expected a file path, or the fact '
                                  'export_and_download_file of the role hwcloud.workspace.export_and_download)')
        source = source['path']
    if not isinstance(source, str) or not source:
        raise ExportRowsError('the input must be the path of an .xlsx or .csv file, or the fact export_and_download_file, '
                              'got %s' % _type_name(source))
    return os.path.expanduser(str(source))


def _type_name(value):
    """The plain type of a value (ansible-core 2.19 hands filters tagged subclasses such as _AnsibleTaggedInt)."""
    return next((plain_type.__name__ for plain_type in (bool, int, float, str, list, tuple, dict) if isinstance(value, plain_type)),
                type(value).__name__)


def read_rows(path, columns=None, limit=None, sheet=None):
    """The data rows of the file as dicts keyed by the header row (or by `columns`, in that order)."""
    try:
        columns = _checked_columns(columns)
        limit = _checked_limit(limit)
        if sheet is not None and (not isinstance(sheet, str) or not sheet):
            raise ExportRowsError('sheet must be the name of a sheet (a non-empty string), got %r' % (sheet,))
    except ExportRowsError as exc:
        raise ExportRowsError('%s: %s' % (path, exc)) from None
    extension = os.path.splitext(path)[1].lower()
    if extension not in ('.xlsx', '.csv'):
        raise ExportRowsError('%s: the file name must end with .xlsx or .csv, the formats of Workspace exports' % path)
    if not os.path.isfile(path):
        raise ExportRowsError('%s: no such file' % path)
    if extension == '.csv':
        if sheet is not None:
            raise ExportRowsError('%s: sheet applies to .xlsx files only; a .csv file has one table' % path)
        return _CsvReader(path).rows(columns, limit)
    return _XlsxReader(path).rows(columns, limit, sheet)


def _checked_columns(columns):
    if columns is None:
        return None
    if isinstance(columns, str) or not isinstance(columns, (list, tuple)) or not columns:
        raise ExportRowsError('columns must be a non-empty list of header names, got %r' % (columns,))
    if not all(isinstance(name, str) for name in columns):
        raise ExportRowsError('columns must be a list of header names (strings), got %r' % (list(columns),))
    names = [str(name) for name in columns]
    if len(set(names)) != len(names):
        raise ExportRowsError('columns names a column more than once: %s' % ', '.join(names))
    return names


def _checked_limit(limit):
    if limit is None:
        return None
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ROWS:
        raise ExportRowsError('limit must be a whole number from 1 to %d, got %r' % (MAX_ROWS, limit))
    return limit


class _Table:
    """Turns a file's rows (lists of converted cell values) into the result: header, column choice, empty rows, bounds."""

    def __init__(self, path, columns, limit):
        self.path = path
        self.columns = columns
        self.limit = limit
        self.header = None
        self.kept = None  # (name, index in the row) of each column returned

    def set_header(self, cells, where):
        while cells and cells[-1] is None:
            cells = cells[:-1]
        if len(cells) > MAX_COLUMNS:
            raise ExportRowsError('%s: the header row (%s) has more than %d columns' % (self.path, where, MAX_COLUMNS))
        names = []
        for index, cell in enumerate(cells):
            if cell is None:
                raise ExportRowsError('%s: column %s of the header row (%s) is empty; every column needs a name'
                                      % (self.path, column_letter(index), where))
            name = str(cell)
            if name in names:
                raise ExportRowsError('%s: the header row (%s) names two columns %r (%s and %s)'
                                      % (self.path, where, name, column_letter(names.index(name)), column_letter(index)))
            names.append(name)
        unknown = [name for name in self.columns or () if name not in names]
        if unknown:
            raise ExportRowsError('%s: columns %s not in the header row; its columns are: %s'
                                  % (self.path, ', '.join(repr(name) for name in unknown), ', '.join(repr(name) for name in names)))
        self.header = names
        self.kept = [(name, names.index(name)) for name in self.columns] if self.columns else list(zip(names, range(len(names))))

    def collect(self, rows):
        """The result from an iterator of (cells, where): the first non-empty row is the header."""
        result = []
        empty_run = 0
        for cells, where in rows:
            if self.header is not None:
                cells = cells[:len(self.header)]
            if all(cell is None for cell in cells):
                empty_run += 1
                if empty_run >= MAX_EMPTY_ROWS:
                    break  # the rest is taken to be empty: a sheet may claim a million rows and hold a few
                continue
            empty_run = 0
            if self.header is None:
                self.set_header(list(cells), where)
                continue
            if len(result) >= MAX_ROWS or (len(result) + 1) * len(self.kept) > MAX_CELLS:
                raise ExportRowsError('%s: more than %d rows or %d cells (rows x columns) to return; read fewer with limit= '
                                      'or columns=' % (self.path, MAX_ROWS, MAX_CELLS))
            result.append(dict((name, cells[index] if index < len(cells) else None) for name, index in self.kept))
            if self.limit is not None and len(result) >= self.limit:
                break
        if self.header is None:
            raise ExportRowsError('%s: no header row: the %s is empty'
                                  % (self.path, 'sheet' if self.path.lower().endswith('.xlsx') else 'file'))
        return result


def column_letter(index):
    """The spreadsheet name of a 0-based column index: 0 is A, 26 is AA."""
    name = ''
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(ord('A') + remainder) + name
    return name


def iso_duration(value):
    seconds = value.total_seconds()
    sign = '-' if seconds < 0 else ''
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    text = 'P%dD' % days if days else 'P'
    return sign + text + 'T%dH%dM%sS' % (hours, minutes, ('%.6f' % rest).rstrip('0').rstrip('.'))


def plain(value):
    """A cell as JSON-like data the same on every ansible-core: str, int, float, bool or None (dates as ISO 8601)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec='seconds' if not value.microsecond else 'milliseconds')
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return iso_duration(value)
    text = str(value)
    return text if text else None


def csv_value(text):
    """A CSV cell: empty is None, numbers are numbers, dates and times are ISO 8601; anything else stays text."""
    if not text:
        return None
    if _CSV_INTEGER.match(text):
        return int(text)
    if _CSV_DECIMAL.match(text):
        return float(text)
    matched = _CSV_DATE_TIME.match(text)
    if matched:
        parts = matched.groups()
        try:
            if parts[3] is None:
                return datetime.date(*(int(part) for part in parts[:3])).isoformat()
            fraction = parts[6] or ''
            moment = datetime.datetime(*(int(part or 0) for part in parts[:6]), microsecond=int(fraction.ljust(6, '0') or 0))
        except ValueError:
            return text  # looks like a date but is none, such as 2026-13-45
        return plain(moment)
    return text


class _CsvReader:
    def __init__(self, path):
        self.path = path
        self.pending = 0  # characters of the row being read

    def rows(self, columns, limit):
        table = _Table(self.path, columns, limit)
        try:
            with open(self.path, 'rb') as raw:
                text = io.TextIOWrapper(raw, encoding='utf-8-sig', errors='strict', newline='')
                reader = csv.reader(self._lines(text), strict=True)
                return table.collect(self._records(reader))
        except UnicodeDecodeError as exc:
            raise ExportRowsError('%s: not UTF-8 text (%s); Workspace exports are UTF-8, with or without BOM' % (self.path, exc.reason)) from None
        except csv.Error as exc:
            raise ExportRowsError('%s: not a valid CSV file: %s' % (self.path, exc)) from None
        except OSError as exc:
            raise ExportRowsError('%s: cannot be read: %s' % (self.path, exc.strerror or exc)) from None

    def _lines(self, text):
        while True:
            line = text.readline(MAX_ROW_BYTES + 1)
            if not line:
                return
            self.pending += len(line)
            if self.pending > MAX_ROW_BYTES:
                raise ExportRowsError('%s: a row longer than %d characters (a line without its end, or a quoted cell that never '
                                      'closes); not an export file' % (self.path, MAX_ROW_BYTES))
            yield line

    def _records(self, reader):
        for record in reader:
            self.pending = 0
            yield [csv_value(cell) for cell in record], 'line %d' % reader.line_num


class _XlsxReader:
    def __init__(self, path):
        self.path = path

    def rows(self, columns, limit, sheet):
        try:
            with zipfile.ZipFile(self.path) as archive:
                self._check_archive(archive)
        except zipfile.BadZipFile as exc:
            raise ExportRowsError('%s: not a valid .xlsx file (a zip archive), or cut short: %s' % (self.path, exc)) from None
        except (OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
            raise ExportRowsError('%s: cannot be read as an .xlsx file (%s: %s)' % (self.path, type(exc).__name__, exc)) from None
        try:
            # An optional dependency, needed for .xlsx only: imported when one is read.
            import openpyxl  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise ExportRowsError('%s: %s' % (self.path, OPENPYXL_MISSING)) from None
        table = _Table(self.path, columns, limit)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # openpyxl warns about styles and extensions it does not read: noise here
                workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True, keep_links=False)
                try:
                    return table.collect(self._cells(workbook, sheet, table))
                finally:
                    workbook.close()
        except ExportRowsError:
            raise
        # openpyxl raises many types on a damaged file; each becomes a message naming the file.
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise ExportRowsError('%s: not a readable .xlsx workbook (%s: %s)' % (self.path, type(exc).__name__, exc)) from None

    def _cells(self, workbook, sheet, table):
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise ExportRowsError('%s: no sheet %r; its sheets are: %s' % (self.path, sheet, ', '.join(repr(name) for name in names)))
        if not names:
            raise ExportRowsError('%s: the workbook has no sheet' % self.path)
        worksheet = workbook[sheet if sheet is not None else names[0]]
        # Only the columns under the header are built: a sheet may claim 16,384 columns.
        header_row = None
        for number, values in enumerate(worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), 1):
            cells = [plain(value) for value in values]
            yield cells, 'row %d' % number
            if table.header is not None:
                header_row = number
                break
            if number >= MAX_EMPTY_ROWS:
                return
        if header_row is None:
            return
        width = len(table.header)
        for number, values in enumerate(worksheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True), header_row + 1):
            yield [plain(value) for value in values], 'row %d' % number

    def _check_archive(self, archive):
        """Refuses, before any XML is parsed, what would make reading unbounded or unsafe."""
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ExportRowsError('%s: %d parts in the archive, more than the %d an export file may have' % (self.path, len(parts), MAX_PARTS))
        total = 0
        for part in parts:
            bound = MAX_SHEET_BYTES if _WORKSHEET.match(part.filename) else MAX_PART_BYTES
            if part.file_size > bound:
                raise ExportRowsError('%s: the part %s expands to %d bytes, more than %d: refused (a zip bomb?)'
                                      % (self.path, part.filename, part.file_size, bound))
            if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise ExportRowsError('%s: the part %s expands %d times (%d bytes from %d), more than %d: refused (a zip bomb?)'
                                      % (self.path, part.filename, part.file_size // max(part.compress_size, 1), part.file_size,
                                         part.compress_size, MAX_RATIO))
            total += part.file_size
            if total > MAX_TOTAL_BYTES:
                raise ExportRowsError('%s: the parts expand to more than %d bytes: refused (a zip bomb?)' % (self.path, MAX_TOTAL_BYTES))
        for part in parts:  # every part, whatever its name: the workbook's relationships may point anywhere
            self._check_part(archive, part)

    def _check_part(self, archive, part):
        """Reads a part as a stream (never more than its declared size) for a DTD, its encoding and, in a sheet, row sizes."""
        is_sheet = False
        where = '%s: the part %s' % (self.path, part.filename)
        tail = b''
        read = 0
        last_row = 0  # where the last row started (or the part, before the first row)
        rows = 0
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    return
                if not read:
                    self._check_encoding(chunk, where)
                    is_sheet = bool(_WORKSHEET_ROOT.search(chunk[:4096]))
                read += len(chunk)
                if read > part.file_size:
                    raise ExportRowsError('%s expands beyond its declared size: refused (a zip bomb?)' % where)
                window = tail + chunk
                if any(marker in window for marker in _DTD):
                    raise ExportRowsError('%s has a DTD (<!DOCTYPE or <!ENTITY): refused, since its entities can expand without '
                                          'bound; export files have none' % where)
                if is_sheet:
                    offset = read - len(window)
                    for match in _ROW_START.finditer(window):
                        position = offset + match.start()
                        if position <= last_row:
                            continue  # counted in the window before
                        if position - last_row > MAX_ROW_BYTES:
                            break
                        last_row = position
                        rows += 1
                    if read - last_row > MAX_ROW_BYTES:
                        raise ExportRowsError('%s has a row (or XML between rows) of more than %d bytes: refused' % (where, MAX_ROW_BYTES))
                    if rows > EXCEL_MAX_ROWS:
                        raise ExportRowsError('%s has more than %d rows, the most a sheet can have: refused' % (where, EXCEL_MAX_ROWS))
                tail = window[-32:]

    @staticmethod
    def _check_encoding(start, where):
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or start[:2] in (b'\x00<', b'<\x00'):
            raise ExportRowsError('%s is not UTF-8 XML (UTF-16 or UTF-32): refused; export files are UTF-8' % where)
        declared = _XML_ENCODING.match(start[len(codecs.BOM_UTF8):] if start.startswith(codecs.BOM_UTF8) else start)
        if declared and declared.group(1).lower() not in (b'utf-8', b'utf8', b'us-ascii', b'ascii'):
            raise ExportRowsError('%s declares the encoding %s: refused; export files are UTF-8'
                                  % (where, declared.group(1).decode('ascii')))
