# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The export life cycle: the operations that start an export, the generated files, and their pre-signed URLs.

Parameter names, types, which are required, and limits are those that the official SDK huaweicloudsdkworkspace 3.1.219
documents in the request models of these operations (and their JSON bodies) and workspace_client.py; the time windows
are the API pages'. tests/emulator/test_sdk_oracle.py holds OPERATIONS to the SDK's models.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.parse

from . import files
from .store import FINAL_STATUSES, QueryError

TASK_NOT_FOUND = 'WKS.00010004'
TASK_NOT_DOWNLOADABLE = 'WKS.00010005'

LANGUAGES = ('zh_CN', 'en_US')
SORT_TYPES = ('ASC', 'DESC')
ACTIVE_TYPES = ('USER_ACTIVATE', 'ADMIN_ACTIVATE')
FILE_FORMATS = ('xlsx', 'csv')
DOWNLOAD_MODES = ('file', 'file_labelled_json', 'redirect', 'json')
BUCKET = 'workspace-export'
STORAGE_ACCESS_KEY = 'EMULATORSTORAGEKEY01'
CONTENT_TYPES = {
    'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'csv': 'text/csv;charset=UTF-8',
}
# Generated large files come in blocks of this size, each one different (it starts with its number).
BLOCK_SIZE = 64 * 1024
# The users export's user_name (SDK: 1-20 characters, no special characters, not starting with a digit).
_USER_NAME = re.compile(r'^[A-Za-z_.-][A-Za-z0-9_.-]*$')


class Parameter:
    """One parameter of a request model: 'str', 'int', 'bool' or 'list' (of strings; in a query, one pair per item)."""

    def __init__(self, name, kind='str', choices=None, max_items=None, required=False, check=None):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.max_items = max_items
        self.required = required
        self.check = check  # an extra check of the converted value: raises QueryError

    def from_query(self, text):
        """The value of one query pair; a list parameter's pair is one item, commas and all (as the service reads it)."""
        if self.kind == 'bool':
            if text.lower() not in ('true', 'false'):
                raise QueryError('%s must be true or false, got %r' % (self.name, text))
            return text.lower() == 'true'
        if self.kind == 'int':
            if not re.match(r'^-?[0-9]+$', text):
                raise QueryError('%s must be an integer, got %r' % (self.name, text))
            return int(text)
        if self.kind == 'list':
            return [text]
        return text

    def validate(self, value):
        """Check a value of the JSON type this parameter has; returns it."""
        expected = {'str': str, 'int': int, 'bool': bool, 'list': list}[self.kind]
        if not isinstance(value, expected) or (self.kind == 'int' and isinstance(value, bool)):
            raise QueryError('%s must be %s, got %r' % (self.name, {'str': 'a string', 'int': 'an integer', 'bool': 'a boolean',
                                                                       'list': 'a list of strings'}[self.kind], value))
        if self.kind == 'list':
            if not value or not all(isinstance(item, str) and item for item in value):
                raise QueryError('%s must be a non-empty list of non-empty strings, got %r' % (self.name, value))
            if self.max_items is not None and len(value) > self.max_items:
                raise QueryError('%s takes at most %d items, got %d' % (self.name, self.max_items, len(value)))
        if self.kind == 'int' and value < 0:
            raise QueryError('%s must be >= 0, got %r' % (self.name, value))
        if self.choices is not None and value not in self.choices:
            raise QueryError('%s must be one of %s, got %r' % (self.name, ', '.join(str(choice) for choice in self.choices), value))
        if self.check is not None:
            self.check(self.name, value)
        return value


def _user_name(name, value):
    if not 1 <= len(value) <= 20 or not _USER_NAME.match(value):
        raise QueryError('%s must be 1 to 20 characters, letters, digits, _ . -, not starting with a digit, got %r' % (name, value))


def parse_api_time(name, value):
    """The API's UTC times, like 2026-08-20T21:11:11Z (milliseconds allowed)."""
    for time_format in ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'):
        try:
            return datetime.datetime.strptime(value, time_format).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            continue
    raise QueryError('%s must be a UTC time like 2026-08-20T21:11:11Z, got %r' % (name, value))


def _iso_8601(name, value):
    """An ISO 8601 time with or without an offset (without: UTC), like 2015-08-27T09:49:58-05:00."""
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        raise QueryError('%s must be an ISO 8601 time like 2015-08-27T09:49:58-05:00, got %r' % (name, value)) from None


def _time(name, **options):
    return Parameter(name, check=parse_api_time, **options)


class Operation:
    """One start operation: where its parameters come from, what they are, and the rules between them."""

    def __init__(self, name, kind, method, path, file_prefix, parameters, source='query', together=(), ordered=(),
                 within_days=None, max_span_days=None, columns=()):
        self.name = name
        self.kind = kind
        self.method = method
        self.path = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', path) + '/?$')
        self.file_prefix = file_prefix
        self.parameters = dict((parameter.name, parameter) for parameter in parameters)
        self.source = source  # 'query' or 'body'
        self.together = together  # (a, b) pairs: both or neither
        self.ordered = ordered  # (low, high) pairs: high >= low when both are given
        # start_time and end_time: end not before start, always; each within the last within_days days; at most max_span_days apart
        self.within_days = within_days
        self.max_span_days = max_span_days
        self.columns = columns  # the file's header row (English)

    def parameters_from(self, raw_query_pairs, body):
        """The validated parameters of a request, or QueryError naming the bad one."""
        if self.source == 'query':
            values = {}
            for name, text in raw_query_pairs:
                parameter = self._parameter(name)
                if name in values and parameter.kind != 'list':
                    raise QueryError('query parameter %s is given more than once' % name)
                value = parameter.from_query(text)
                values[name] = values.get(name, []) + value if parameter.kind == 'list' else value
            for name, value in values.items():
                self.parameters[name].validate(value)
        else:
            values = self._body_values(body)
        missing = [name for name, parameter in self.parameters.items() if parameter.required and name not in values]
        if missing:
            raise QueryError('%s %s required by %s' % (', '.join(missing), 'is' if len(missing) == 1 else 'are', self.name))
        self._check_rules(values)
        return values

    def _parameter(self, name):
        parameter = self.parameters.get(name)
        if parameter is None:
            raise QueryError('unknown parameter %s; %s takes %s' % (name, self.name, ', '.join(sorted(self.parameters))))
        return parameter

    def _body_values(self, body):
        try:
            document = json.loads(body.decode('utf-8')) if body else {}
        except ValueError:
            raise QueryError('the request body is not a JSON object') from None
        if not isinstance(document, dict):
            raise QueryError('the request body must be a JSON object')
        return dict((name, self._parameter(name).validate(value)) for name, value in document.items() if value is not None)

    def _check_rules(self, values):
        for first, second in self.together:
            if (first in values) != (second in values):
                raise QueryError('%s and %s must be used together' % (first, second))
        for low, high in self.ordered:
            if low in values and high in values and values[high] < values[low]:
                raise QueryError('%s must be >= %s' % (high, low))
        start = values.get('start_time') and parse_api_time('start_time', values['start_time'])
        end = values.get('end_time') and parse_api_time('end_time', values['end_time'])
        if start and end and end < start:
            raise QueryError('end_time must not be before start_time')
        if self.max_span_days is not None and start and end and end - start > datetime.timedelta(days=self.max_span_days):
            raise QueryError('start_time to end_time must be at most %d days' % self.max_span_days)
        if self.within_days is not None:
            oldest = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=self.within_days)
            for name, moment in (('start_time', start), ('end_time', end)):
                if moment and moment < oldest:
                    raise QueryError('%s must be within the last %d days' % (name, self.within_days))


def _language(required=False):
    return Parameter('language', choices=LANGUAGES, required=required)


_SORT_TYPE = Parameter('sort_type', choices=SORT_TYPES)
_SORTED = (('sort_field', 'sort_type'),)
_PROJECT = Parameter('enterprise_project_id')
_ACTIVE_TYPE = Parameter('active_type', choices=ACTIVE_TYPES)

# Every parameter of each request model of the official SDK, its type, and whether the model requires it
# (tests/emulator/test_sdk_oracle.py holds this table to the SDK's models).
OPERATIONS = (
    Operation('ExportDesktopListNew', 'desktops', 'GET', '/v3/{project_id}/desktops/export', 'DesktopList', (
        Parameter('computer_name'), Parameter('computer_names', 'list'), Parameter('desktop_ip'), Parameter('desktop_id'),
        Parameter('tag'), Parameter('without_any_tag', 'bool'), _language(required=True), _PROJECT,
        Parameter('desktop_type', choices=('DEDICATED', 'POOLED')), Parameter('status', choices=('ACTIVE', 'SHUTOFF', 'ERROR', 'HIBERNATED')),
        Parameter('user_names', 'list', max_items=100), Parameter('sort_field', choices=('created', 'computer_name')), _SORT_TYPE,
        Parameter('user_attached', 'bool'), Parameter('image_id'), Parameter('charge_mode', choices=('0', '1')),
        Parameter('in_maintenance_mode', 'bool'), Parameter('subnet_id'), Parameter('connection_status_version', choices=('NEW', 'OLD')),
        Parameter('pool_id'), Parameter('include_pool', 'bool'), Parameter('pool_name'), Parameter('pool_type', choices=('DYNAMIC', 'STATIC')),
        Parameter('pool_in_maintenance_mode', 'bool'), Parameter('pool_enterprise_project_id'),
    ), together=_SORTED, columns=('Desktop Name', 'Desktop ID', 'IP Address', 'Status', 'User')),
    Operation('ExportUsersNew', 'users', 'POST', '/v3/{project_id}/users/export', 'UserList', (
        Parameter('user_name', check=_user_name), Parameter('user_names', 'list'), Parameter('description'), _ACTIVE_TYPE, _language(), _PROJECT,
    ), source='body', columns=('User Name', 'Email', 'Description', 'Activation Type')),
    Operation('ExportUserGroupsNew', 'user_groups', 'POST', '/v3/{project_id}/groups/export', 'UserGroupList', (
        Parameter('name'), Parameter('group_ids', 'list'), _language(),
    ), source='body', columns=('User Group Name', 'User Group ID', 'Users', 'Description')),
    Operation('ExportUserGroupUsersNew', 'group_users', 'GET', '/v3/{project_id}/groups/{group_id}/users/export', 'UserGroupUserList', (
        Parameter('user_name'), Parameter('user_names', 'list'), Parameter('description'), _ACTIVE_TYPE, Parameter('group_name'),
        _language(), _PROJECT,
    ), columns=('User Name', 'User Group', 'Email', 'Activation Type')),
    Operation('ExportUserConnectionNew', 'user_connections', 'GET', '/v3/{project_id}/desktops/connections/export', 'UserConnection', (
        _time('start_time'), _time('end_time'), Parameter('user_name'), Parameter('computer_name'), Parameter('terminal_type'), _language(),
        Parameter('min_e2e_rtt', 'int'), Parameter('max_e2e_rtt', 'int'), _PROJECT, Parameter('public_ip'), Parameter('domain'),
    ), ordered=(('min_e2e_rtt', 'max_e2e_rtt'),), within_days=30,
        columns=('User Name', 'Desktop Name', 'Terminal Type', 'Login Time', 'Logout Time', 'E2E RTT (ms)')),
    Operation('ExportDesktopUsageMetricNew', 'desktop_usage', 'GET', '/v3/{project_id}/statistics/metrics/desktops/export',
              'DesktopUsageMetric', (
                  _time('start_time', required=True), _time('end_time', required=True), Parameter('resource_name'), Parameter('resource_id'),
                  Parameter('min_idle_days', 'int'), Parameter('max_idle_days', 'int'), Parameter('usage_min_hours', 'int'),
                  Parameter('usage_max_hours', 'int'), _PROJECT, Parameter('sort_field', choices=('desktop_usage', 'desktop_idle_duration')),
                  _SORT_TYPE,
              ), together=_SORTED, ordered=(('min_idle_days', 'max_idle_days'), ('usage_min_hours', 'usage_max_hours')), within_days=180,
              columns=('Desktop Name', 'Desktop ID', 'Usage (hours)', 'Idle Days')),
    Operation('ExportUserUsageMetricNew', 'user_usage', 'GET', '/v3/{project_id}/statistics/metrics/users/export', 'UserUsageMetric', (
        _time('start_time', required=True), _time('end_time', required=True), Parameter('username'), Parameter('usage_min_hours', 'int'),
        Parameter('usage_max_hours', 'int'), _PROJECT, Parameter('sort_field', choices=('user_usage',)), _SORT_TYPE,
    ), together=_SORTED, ordered=(('usage_min_hours', 'usage_max_hours'),), max_span_days=30,
        columns=('User Name', 'Usage (hours)', 'Desktops')),
    Operation('ExportDesktopVersionList', 'desktop_versions', 'GET', '/v2/{project_id}/desktops/list-by-version/export', 'DesktopVersionList', (
        Parameter('agent_version', required=True), Parameter('os_type', required=True), Parameter('desktop_id'), Parameter('desktop_name'),
        Parameter('username'), _language(required=True),
    ), columns=('Desktop Name', 'Agent Version')),
    Operation('ExportHostsDetail', 'hosts', 'GET', '/v2/{project_id}/hosts/export', 'HostList', (
        Parameter('name'), Parameter('availability_zone'), Parameter('host_id'), _PROJECT, Parameter('host_type'), Parameter('host_type_name'),
        Parameter('state', choices=('available', 'fault', 'released')), Parameter('limit', 'int'), Parameter('offset', 'int'),
        Parameter('marker'), Parameter('changes_since', check=_iso_8601),
        Parameter('sort_field', choices=('instance_total', 'available_vcpus', 'available_memory')), _SORT_TYPE, _language(required=True),
    ), together=_SORTED, columns=('Host Name', 'Host ID')),
    Operation('ExportAppUserAccessData', 'app_user_access', 'POST', '/v2/{project_id}/statistics/metrics/app-user-access/export',
              'AppUserAccess', (
                  _time('start_time', required=True), _time('end_time', required=True), Parameter('username'),
                  Parameter('sort_field', choices=('access_failed_count', 'last_access_failed_time')), _SORT_TYPE,
              ), source='body', together=_SORTED, columns=('User Name', 'Access Failures')),
    Operation('ExportTenantUpgradeStrategies', 'upgrade_strategies', 'GET', '/v2/{project_id}/upgrade-strategies/export', 'UpgradeStrategyList', (
        Parameter('strategy_name'), Parameter('strategy_type', 'int', choices=(0, 1)), Parameter('is_force_upgrade', 'int', choices=(0, 1)),
        Parameter('status', 'int', choices=(0, 1)), Parameter('strategy_priority', 'int'), _language(required=True),
    ), columns=('Strategy Name', 'Strategy Type')),
    Operation('ExportTerminalsBindingDesktopsInfoNew', 'terminal_bindings', 'GET', '/v3/{project_id}/terminals/binding-desktops/template/export',
              'TerminalBindingDesktops', (
                  _language(required=True), Parameter('computer_name'), Parameter('mac'),
              ), columns=('Desktop Name', 'MAC Address')),
)


def match_operation(method, raw_path):
    """(operation, path parameters) for a start request, or (None, None)."""
    for operation in OPERATIONS:
        matched = operation.path.match(raw_path)
        if matched and method == operation.method:
            return operation, dict((name, urllib.parse.unquote(value)) for name, value in matched.groupdict().items())
    return None, None


# Generated files.

def generated_blocks(task_id, size):
    """`size` bytes of CSV-like text made on the fly, block by block, never held in memory whole."""
    line = b'%s,generated export data for a large file test,0123456789abcdef0123456789\n' % task_id[:32].encode('ascii', 'replace')
    block = (line * (BLOCK_SIZE // len(line) + 1))[:BLOCK_SIZE]
    sent = 0
    number = 0
    while sent < size:
        piece = (b'%012d,' % number + block[13:])[:size - sent]
        yield piece
        sent += len(piece)
        number += 1


class ExportFile:
    """What a task's download serves: its length, content type and bytes (an iterable of chunks)."""

    def __init__(self, length, content_type, chunks):
        self.length = length
        self.content_type = content_type
        self.chunks = chunks


# Settings of the export life cycle, changed through POST /_emulator/exports.

class ExportSettings:
    FIELDS = ('delay', 'final_status', 'fail_reason', 'error_code', 'file_format', 'file_size', 'file_name', 'download', 'url_ttl')

    def __init__(self, delay):
        self._lock = threading.Lock()
        self._values = {'delay': delay, 'final_status': 'SUCCESS', 'fail_reason': None, 'error_code': None, 'file_format': 'xlsx',
                        'file_size': None, 'file_name': None, 'download': 'file', 'url_ttl': 300}

    def get(self):
        with self._lock:
            return dict(self._values)

    def update(self, document):
        if not isinstance(document, dict):
            raise ValueError('the body must be a JSON object with some of %s' % ', '.join(self.FIELDS))
        unknown = sorted(set(document) - set(self.FIELDS))
        if unknown:
            raise ValueError('unknown export setting(s) %s; allowed: %s' % (', '.join(unknown), ', '.join(self.FIELDS)))
        for name, value in document.items():
            self._check(name, value)
        with self._lock:
            self._values.update(document)
            return dict(self._values)

    @staticmethod
    def _check(name, value):
        def number(minimum_text, valid):
            if isinstance(value, bool) or not valid:
                raise ValueError('%s must be %s, got %r' % (name, minimum_text, value))

        if name == 'delay':
            number('a number of seconds >= 0', isinstance(value, (int, float)) and value >= 0)
        elif name == 'url_ttl':
            number('a whole number of seconds (negative: URLs that have already expired)', isinstance(value, int))
        elif name == 'file_size':
            number('null or a whole number of bytes >= 0', value is None or (isinstance(value, int) and value >= 0))
        elif name == 'file_name':
            number('null or a non-empty string', value is None or (isinstance(value, str) and value != ''))
        elif name in ('fail_reason', 'error_code'):
            number('null or a string', value is None or isinstance(value, str))
        else:
            choices = {'final_status': FINAL_STATUSES, 'file_format': FILE_FORMATS, 'download': DOWNLOAD_MODES}[name]
            if value not in choices:
                raise ValueError('%s must be one of %s, got %r' % (name, ', '.join(choices), value))


class Exports:
    """Starts exports, serves their files, and signs and checks the object-storage URLs."""

    def __init__(self, store, settings, project_id, clock=time.time):
        self.store = store
        self.settings = settings
        self.project_id = project_id
        self._clock = clock
        self._storage_secret = secrets.token_bytes(32)
        self._small_files = {}  # task_id -> bytes of small generated files, made once
        self._lock = threading.Lock()

    def start(self, operation, parameters):
        """A new CREATING task for this operation, started with these (checked) parameters; returns its task_id."""
        settings = self.settings.get()
        extension = 'csv' if settings['file_format'] == 'csv' else 'xlsx'
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%d%H%M%S%f')[:17]
        # A fixed file_name names every new export alike, as the service does for exports started within a second.
        file_name = settings['file_name'] or '%s_%s.%s' % (operation.file_prefix, stamp, extension)
        spec = {'file_name': file_name, 'status': 'CREATING', 'finish_after': settings['delay'],
                'final_status': settings['final_status'], 'file_size': settings['file_size']}
        spec.update((name, settings[name]) for name in ('fail_reason', 'error_code') if settings[name] is not None)
        return self.store.start(spec, operation.kind, parameters).task_id

    def file(self, task):
        if task.file_size is not None:
            return ExportFile(task.file_size, 'application/octet-stream', generated_blocks(task.task_id, task.file_size))
        file_format = 'csv' if task.file_name.endswith('.csv') else 'xlsx'
        with self._lock:
            content = self._small_files.get(task.task_id)
            if content is None:
                operation = next((operation for operation in OPERATIONS if operation.kind == task.kind), OPERATIONS[0])
                rows = files.rows(operation.name, task.task_id, task.create_time)
                content = self._small_files[task.task_id] = files.csv_bytes(rows) if file_format == 'csv' else files.xlsx_bytes(rows)
        return ExportFile(len(content), CONTENT_TYPES[file_format], [content])

    # Pre-signed URLs, in the manner of OBS query-string authentication (V2): HMAC-SHA1 over the method, expiry and key.

    def object_key(self, task):
        return '%s/%s/%s' % (self.project_id, task.task_id, urllib.parse.quote(task.file_name, safe=''))

    def _signature(self, expires, bucket_and_key):
        string_to_sign = 'GET\n\n\n%d\n/%s' % (expires, bucket_and_key)
        return base64.b64encode(hmac.new(self._storage_secret, string_to_sign.encode('utf-8'), hashlib.sha1).digest()).decode('ascii')

    def presigned_url(self, storage_url, task):
        expires = int(self._clock()) + self.settings.get()['url_ttl']
        path = '%s/%s' % (BUCKET, self.object_key(task))
        query = urllib.parse.urlencode((('AccessKeyId', STORAGE_ACCESS_KEY), ('Expires', str(expires)),
                                        ('Signature', self._signature(expires, path))))
        return '%s/%s?%s' % (storage_url, path, query)

    def check_presigned(self, raw_path, raw_query, headers):
        """(task_id, None) for a valid pre-signed URL of an existing object, else (None, (status, OBS code, message))."""
        if headers.get('Authorization'):
            return None, (400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, '
                                                  'Signature query string parameter or the Authorization header should be specified.')
        query = dict(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
        if not all(query.get(name) for name in ('AccessKeyId', 'Expires', 'Signature')):
            return None, (403, 'AccessDenied', 'Anonymous access is forbidden for this operation.')
        if query['AccessKeyId'] != STORAGE_ACCESS_KEY:
            return None, (403, 'InvalidAccessKeyId', 'The access key Id you provided does not exist in our records.')
        if not query['Expires'].isdigit():
            return None, (403, 'AccessDenied', 'Invalid date (should be seconds since epoch): %s' % query['Expires'])
        path = raw_path.lstrip('/')
        if not hmac.compare_digest(self._signature(int(query['Expires']), path).encode('ascii'), query['Signature'].encode('utf-8')):
            return None, (403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
        if int(query['Expires']) < self._clock():
            return None, (403, 'AccessDenied', 'Request has expired.')
        parts = path.split('/')
        if len(parts) != 4 or parts[0] != BUCKET or parts[1] != self.project_id:
            return None, (404, 'NoSuchKey', 'The specified key does not exist.')
        return parts[2], None
