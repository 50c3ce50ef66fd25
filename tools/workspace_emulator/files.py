# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The emulator's export files: the columns of each export operation, deterministic rows, and the .csv/.xlsx writers.

The columns are English headings of the fields that the official SDK huaweicloudsdkworkspace 3.1.219 returns for
the matching list operation (the export holds what the list shows); which ones are assumed is written in
tools/workspace_emulator/README.md ("Export file contents"). Cells are str, int, float, datetime.datetime or None (an
empty cell); the same task gives the same bytes.
"""

import datetime
import hashlib
import io
import random
import zipfile
from xml.sax.saxutils import escape

# The rows of one file: at least this many, a few more depending on the task.
ROWS = 12

_STATUSES = ('ACTIVE', 'ACTIVE', 'ACTIVE', 'SHUTOFF', 'ERROR', 'HIBERNATED')
_TERMINALS = ('WINDOWS', 'MAC', 'LINUX', 'ANDROID', 'IOS', 'WEB', 'TC')
_FLAVORS = ('workspace.x86.ultimate.large2', 'workspace.x86.dedicated.xlarge4', 'workspace.appstream.general.xlarge.2')
_POOLS = ('pool-office', 'pool-dev', None)


def _uuid(draw):
    return '%08x-%04x-4%03x-8%03x-%012x' % (draw.getrandbits(32), draw.getrandbits(16), draw.getrandbits(12), draw.getrandbits(12),
                                            draw.getrandbits(48))


def _desktop(number):
    return 'wks-pc-%03d' % number


def _user(number):
    return 'user%02d' % number


def _ip(draw):
    return '192.168.%d.%d' % (draw.randint(0, 3), draw.randint(2, 250))


def _desktop_list(draw, number, now):
    status = draw.choice(_STATUSES)
    user = _user(number) if number % 5 else None  # every fifth desktop has no user assigned
    return (_desktop(number), _uuid(draw), _ip(draw), status, user, draw.choice(('DEDICATED', 'POOLED')), draw.choice(_FLAVORS),
            'Windows Server 2022 Datacenter 64bit', 'cn-north-4a', now - datetime.timedelta(days=draw.randint(30, 700), seconds=draw.randint(0, 86399)),
            'default' if number % 3 else None, 'Y' if number % 7 == 0 else 'N')


def _users(draw, number, now):
    del now
    return (_user(number), '%s@example.com' % _user(number), None if number % 3 else '+86-138%08d' % draw.randint(0, 10 ** 8 - 1),
            draw.choice(('USER_ACTIVATE', 'ADMIN_ACTIVATE')), draw.randint(0, 3), None if number % 4 else 'contractor',
            'Y' if number % 11 == 0 else 'N')


def _user_groups(draw, number, now):
    return ('group-%02d' % number, _uuid(draw), draw.randint(0, 40), draw.randint(0, 20),
            now - datetime.timedelta(days=draw.randint(1, 400)), None if number % 2 else 'team %d' % number)


def _group_users(draw, number, now):
    del now
    return (_user(number), 'group-%02d' % (number % 4), '%s@example.com' % _user(number), draw.choice(('USER_ACTIVATE', 'ADMIN_ACTIVATE')),
            draw.randint(0, 3), None if number % 3 else 'on call')


def _user_connections(draw, number, now):
    start = now - datetime.timedelta(days=draw.randint(0, 29), minutes=draw.randint(0, 1439))
    setup = round(draw.uniform(0.8, 6.0), 1)
    failed = number % 9 == 0
    return (_user(number), _desktop(draw.randint(1, 40)), draw.choice(_TERMINALS), _ip(draw), '25.%d.0' % draw.randint(1, 9), start,
            setup, None if failed else start + datetime.timedelta(minutes=draw.randint(5, 600)), None if failed else draw.randint(1, 80),
            None if failed else draw.randint(2, 120), 'Network timeout' if failed else None)


def _desktop_usage(draw, number, now):
    # Idle days spread from 0 to 120 so that "idle for at least N days" picks some desktops for any N up to 90.
    idle_days = (number * 37) % 121
    never_used = idle_days > 90
    return (_desktop(number), _uuid(draw), 'S-1-5-21-%d-%d' % (draw.randint(10 ** 8, 10 ** 9), 1000 + number), draw.choice(_POOLS),
            None if never_used else _user(number), 'default' if number % 3 else None,
            0.0 if idle_days >= 30 else round(draw.uniform(1, 240), 1), idle_days,
            None if never_used else now - datetime.timedelta(days=idle_days, minutes=draw.randint(0, 1439)))


def _user_usage(draw, number, now):
    del now
    hours = round(draw.uniform(0, 200), 1) if number % 6 else 0.0
    return (_user(number), 'default' if number % 3 else None, hours, draw.randint(0, 3), draw.randint(0, 30) if hours else 0)


def _desktop_versions(draw, number, now):
    del now
    return (_desktop(number), _uuid(draw), 'S-1-5-21-%d-%d' % (draw.randint(10 ** 8, 10 ** 9), 1000 + number), _user(number),
            draw.choice(_STATUSES), None if number % 4 else 'upgrading', '25.%d.%d' % (draw.randint(1, 9), draw.randint(0, 30)))


def _hosts(draw, number, now):
    vcpus = draw.choice((32, 64, 96))
    state = draw.choice(('available', 'available', 'fault', 'released'))
    allocated = now - datetime.timedelta(days=draw.randint(10, 500))
    return ('host-%02d' % number, _uuid(draw), state, 'cn-north-4a', 'c7n', vcpus, draw.randint(0, vcpus), draw.randint(0, 512),
            draw.randint(0, 20), allocated, allocated + datetime.timedelta(days=draw.randint(1, 9)) if state == 'released' else None)


def _app_user_access(draw, number, now):
    failures = draw.randint(0, 20) if number % 3 else 0
    return (_user(number), failures, now - datetime.timedelta(hours=draw.randint(1, 700)) if failures else None,
            'WKS.00010023' if failures else None, 'Authentication failed.' if failures else None)


def _upgrade_strategies(draw, number, now):
    del now
    return (_uuid(draw), 'strategy-%02d' % number, draw.choice(('HDA', 'TC')), draw.choice(('Y', 'N')), '24.%d.0' % draw.randint(1, 9),
            '25.%d.0' % draw.randint(1, 9), draw.randint(1, 10), draw.choice(('ENABLE', 'DISABLE')), None if number % 2 else 'pilot')


def _terminal_bindings(draw, number, now):
    del now
    mac = ':'.join('%02x' % draw.getrandbits(8) for _octet in range(6))
    return (_uuid(draw), mac, _desktop(number), None if number % 3 else 'front desk')


# Operation name -> (the header row, a function (random, row number, as-of moment) -> the row's cells).
FILES = {
    'ExportDesktopListNew': (('Desktop Name', 'Desktop ID', 'IP Address', 'Status', 'User', 'Desktop Type', 'Flavor', 'OS Version',
                              'Availability Zone', 'Created', 'Enterprise Project', 'In Maintenance Mode'), _desktop_list),
    'ExportUsersNew': (('User Name', 'Email', 'Phone', 'Activation Type', 'Desktops', 'Description', 'Locked'), _users),
    'ExportUserGroupsNew': (('User Group Name', 'User Group ID', 'Users', 'Desktops', 'Created', 'Description'), _user_groups),
    'ExportUserGroupUsersNew': (('User Name', 'User Group', 'Email', 'Activation Type', 'Desktops', 'Description'), _group_users),
    'ExportUserConnectionNew': (('User Name', 'Desktop Name', 'Terminal Type', 'Terminal IP', 'Client Version', 'Connection Start Time',
                                 'Connection Setup Time (s)', 'Connection End Time', 'Network RTT (ms)', 'E2E RTT (ms)',
                                 'Connection Failure Reason'), _user_connections),
    'ExportDesktopUsageMetricNew': (('Desktop Name', 'Desktop ID', 'Machine SID', 'Desktop Pool', 'Last Connected User',
                                     'Enterprise Project', 'Usage (hours)', 'Idle Days', 'Last Connection Time'), _desktop_usage),
    'ExportUserUsageMetricNew': (('User Name', 'Enterprise Project', 'Usage (hours)', 'Desktops', 'Active Days'), _user_usage),
    'ExportDesktopVersionList': (('Desktop Name', 'Desktop ID', 'Machine SID', 'User Name', 'Status', 'Task Status', 'HDA Version'),
                                 _desktop_versions),
    'ExportHostsDetail': (('Host Name', 'Dedicated Host ID', 'State', 'Availability Zone', 'Host Type', 'vCPUs', 'Available vCPUs',
                           'Available Memory (GiB)', 'Instances', 'Allocated At', 'Released At'), _hosts),
    'ExportAppUserAccessData': (('User Name', 'Access Failures', 'Last Access Failure Time', 'Error Code', 'Error Message'), _app_user_access),
    'ExportTenantUpgradeStrategies': (('Strategy ID', 'Strategy Name', 'Strategy Type', 'Force Upgrade', 'Minimum Version', 'Target Version',
                                       'Priority', 'Status', 'Description'), _upgrade_strategies),
    'ExportTerminalsBindingDesktopsInfoNew': (('Binding ID', 'MAC Address', 'Desktop Name', 'Description'), _terminal_bindings),
}


def rows(operation_name, task_id, as_of):
    """The header row and the data rows of a task's export, the same for the same task; `as_of`: the task's create time."""
    header, make_row = FILES[operation_name]
    seed = hashlib.sha256(task_id.encode('utf-8')).digest()
    draw = random.Random(seed)
    now = as_of.astimezone(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    rows_made = [header]
    for number in range(1, ROWS + seed[0] % 5 + 1):
        rows_made.append(make_row(draw, number, now))
    return rows_made


def _text(cell):
    if cell is None:
        return ''
    if isinstance(cell, datetime.datetime):
        return cell.strftime('%Y-%m-%d %H:%M:%S')
    return str(cell)


def csv_bytes(rows_to_write):
    lines = [','.join('"%s"' % text.replace('"', '""') if any(char in text for char in ',"\n') else text for text in map(_text, row))
             for row in rows_to_write]
    return ('\ufeff' + '\r\n'.join(lines) + '\r\n').encode('utf-8')  # with a BOM, as spreadsheet tools like it


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_DATE_TIME_STYLE = 1  # the index in styles.xml's cellXfs of the built-in format 22 (m/d/yy h:mm)


def _column(index):
    name = ''
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(ord('A') + remainder) + name
    return name


def _cell(reference, value):
    if value is None:
        return ''
    if isinstance(value, datetime.datetime):
        serial = (value - _EXCEL_EPOCH) / datetime.timedelta(days=1)
        return '<c r="%s" s="%d"><v>%r</v></c>' % (reference, _DATE_TIME_STYLE, serial)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return '<c r="%s"><v>%r</v></c>' % (reference, value)
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (reference, escape(value))


def xlsx_bytes(rows_to_write):
    """A real, minimal Office Open XML workbook with one sheet (numbers, dates, inline strings); the same rows give the same bytes."""
    sheet_rows = ''.join('<row r="%d">%s</row>' % (number + 1, ''.join(
        _cell('%s%d' % (_column(index), number + 1), value) for index, value in enumerate(row))) for number, row in enumerate(rows_to_write))
    main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
    relationships = 'http://schemas.openxmlformats.org/package/2006/relationships'
    document = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    parts = (
        ('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        ('_rels/.rels', '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>' % (relationships, document)),
        ('xl/workbook.xml', '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
         % (main, document)),
        ('xl/_rels/workbook.xml.rels', '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/worksheet" '
         'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/></Relationships>'
         % (relationships, document, document)),
        ('xl/styles.xml', '<styleSheet xmlns="%s"><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill/></fill></fills>'
         '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
         '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs>'
         '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>' % main),
        # The dimension, as spreadsheet writers give it: without it, readers walk the whole sheet to find its size.
        ('xl/worksheets/sheet1.xml', '<worksheet xmlns="%s"><dimension ref="A1:%s%d"/><sheetData>%s</sheetData></worksheet>'
         % (main, _column(max(len(row) for row in rows_to_write) - 1), len(rows_to_write), sheet_rows)),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: the same task always gives the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return buffer.getvalue()
