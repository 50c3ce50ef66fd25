# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the rows of a 100,000-row .xlsx export (issue 31): openpyxl read-only against python-calamine.

    .venv/bin/python benchmarks/rows.py [--rows 100000] [--repeat 3]

Both libraries must be installed (`.venv/bin/pip install openpyxl python-calamine`). One workbook of N rows like a
desktop usage export (text, whole and decimal numbers, dates and times, empty cells) is written once with openpyxl's
write-only mode into a temporary directory. Each reader then runs in a fresh Python process of its own, --repeat
times, which reads every row of the first sheet as Python values and reports:
- rows/s: rows read / the seconds from opening the file to the last row (imports not counted);
- peak MiB: the process's peak resident memory (VmHWM) minus its resident memory after the imports, so that the
  interpreter and the library's own code are not counted.
Each reader runs twice: "values" only walks the rows (the reader's own cost); "dicts" keeps every row as a dict
keyed by the header, as the filter hwcloud.workspace.export_rows returns them (what a playbook gets). The filter's own
reader (plugins/plugin_utils/_export_rows.py: the archive checks, openpyxl, plain values) runs in "dicts" too.
Then each reader, alone, reads a 1 KiB workbook holding a header and one cell at XFD1048576 (a sheet that claims
every row and column, as a hostile or damaged file may): the outcome, the time and the peak are printed.
Medians of --repeat runs. Not a test: nothing is asserted; it writes only into a temporary directory.
"""

import argparse
import datetime
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root: tools.workspace_emulator

COLUMNS = ('Desktop Name', 'Desktop ID', 'User', 'Status', 'Usage (hours)', 'Usage Rate (%)', 'Idle Days',
           'Last Login Time', 'Created', 'Remark')

READER = r'''
import json, sys, time
mode, kind, path = sys.argv[1:4]

def resident(field):
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024

if kind == 'openpyxl':
    import openpyxl
    def rows(path):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield row
        finally:
            workbook.close()
elif kind == 'export_rows':
    import importlib.util
    spec = importlib.util.spec_from_file_location('_export_rows', sys.argv[4])
    export_rows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export_rows)
else:
    import python_calamine
    def rows(path):
        with open(path, 'rb') as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
            for row in workbook.get_sheet_by_index(0).iter_rows():
                yield row
base = resident('VmRSS')
started = time.perf_counter()
count, kept, header = 0, [], None
if kind == 'export_rows':  # the filter's own reader: the archive checks, then openpyxl, then plain values in dicts
    kept = export_rows.read_rows(path)
    count = len(kept)
for row in rows(path) if kind != 'export_rows' else ():
    if header is None:
        header = row
        continue
    count += 1
    if mode == 'dicts':
        kept.append(dict(zip(header, row)))
elapsed = time.perf_counter() - started
print(json.dumps({'rows': count, 'seconds': elapsed, 'peak': resident('VmHWM') - base}))
'''


def write_workbook(path, rows):
    import openpyxl  # pylint: disable=import-outside-toplevel
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet('DesktopUsageMetric')
    sheet.append(COLUMNS)
    start = datetime.datetime(2026, 6, 1, 8, 0, 0)
    for number in range(rows):
        sheet.append(('desktop-%06d' % number, '%08x-0000-4000-8000-%012x' % (number, number), 'user%05d' % (number % 5000),
                      ('ACTIVE', 'SHUTOFF', 'ERROR')[number % 3], number % 720, round((number % 1000) / 10.0, 1), number % 90,
                      start + datetime.timedelta(minutes=number), datetime.date(2025, 1, 1) + datetime.timedelta(days=number % 365),
                      None if number % 4 else 'pool %d' % (number % 7)))
    workbook.save(path)


READER_MODULE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'plugins', 'plugin_utils', '_export_rows.py')
NAMES = {'openpyxl': 'openpyxl read-only', 'calamine': 'python-calamine', 'export_rows': 'the filter export_rows'}


def measure(mode, kind, path):
    output = subprocess.run([sys.executable, '-c', READER, mode, kind, path, READER_MODULE], check=True, capture_output=True, text=True,
                            timeout=600)
    return json.loads(output.stdout)


def write_sparse(path):
    """A header row and one cell at the last row and column a sheet can have, through the emulator's writer."""
    from tools.workspace_emulator.files import xlsx_bytes  # pylint: disable=import-outside-toplevel
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes([('Name', 'Count'), ('alpha', 1)]))) as source, zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == 'xl/worksheets/sheet1.xml':
                content = re.sub(rb'<dimension [^>]*/>', b'', content).replace(
                    b'</sheetData>', b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
            target.writestr(name, content)


def measure_sparse(kind, path):
    started = time.monotonic()
    try:
        output = subprocess.run([sys.executable, '-c', READER, 'values', kind, path, READER_MODULE], capture_output=True, text=True,
                                timeout=300)
    except subprocess.TimeoutExpired:
        return 'did not end within 300 s'
    seconds = time.monotonic() - started
    if output.returncode:
        last = (output.stderr.strip().splitlines() or ['?'])[0]
        return 'the process died after %.1f s (exit status %d: %s)' % (seconds, output.returncode, last[:80])
    result = json.loads(output.stdout)
    return '%d rows in %.1f s, peak %.0f MiB' % (result['rows'], result['seconds'], result['peak'] / 2.0 ** 20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=100000)
    parser.add_argument('--repeat', type=int, default=3)
    options = parser.parse_args()
    import openpyxl  # pylint: disable=import-outside-toplevel
    with open('/proc/loadavg') as loadavg:
        load = loadavg.read().split()[:3]
    from importlib.metadata import version  # pylint: disable=import-outside-toplevel
    print('Python %s, openpyxl %s, python-calamine %s, load average %s' % (
        platform.python_version(), openpyxl.__version__, version('python-calamine'), ' '.join(load)))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'usage.xlsx')
        write_workbook(path, options.rows)
        print('%d rows x %d columns, %.1f MiB on disk' % (options.rows, len(COLUMNS), os.path.getsize(path) / 2.0 ** 20))
        print('| reader | mode | rows/s | peak MiB |')
        print('|---|---|---|---|')
        for mode, kinds in (('values', ('openpyxl', 'calamine')), ('dicts', ('openpyxl', 'calamine', 'export_rows'))):
            for kind in kinds:
                runs = [measure(mode, kind, path) for _ in range(options.repeat)]
                assert all(run['rows'] == options.rows for run in runs), runs
                print('| %s | %s | %d | %.0f |' % (
                    NAMES[kind], mode,
                    statistics.median(run['rows'] / run['seconds'] for run in runs),
                    statistics.median(run['peak'] for run in runs) / 2.0 ** 20))
        sparse = os.path.join(directory, 'sparse.xlsx')
        write_sparse(sparse)
        print('\n%d bytes: a header and one cell at XFD1048576' % os.path.getsize(sparse))
        for kind in ('openpyxl', 'calamine'):
            print('- %s: %s' % (NAMES[kind], measure_sparse(kind, sparse)))
    with open('/proc/loadavg') as loadavg:
        print('load average after: %s' % ' '.join(loadavg.read().split()[:3]))


if __name__ == '__main__':
    main()
