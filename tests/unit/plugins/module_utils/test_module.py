# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""run_module: connection options merged in, result dict to exit_json, WorkspaceError to fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import types

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError, WorkspaceResultError
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import run_module
from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer
from ansible_collections.hwcloud.workspace.tests.unit.module_args import patch_module_args

SECRET = 'run-module-secret-value'


def outcome(capsys, args, run, spec=None, **kwargs):
    """What run_module prints for an operation made of spec, kwargs and run."""
    operation = types.SimpleNamespace(argument_spec=lambda: dict(spec or dict(name=dict(type='str'))),
                                      module_kwargs=lambda: dict(kwargs), run=run)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            run_module(operation)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def base(server, monkeypatch, tmp_path):
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(tmp_path / 'none'))
    return dict(endpoint=server.url, project_id='proj', access_key='AK', secret_key=SECRET)


def test_result_is_returned_with_connection_options_merged_in(base, capsys):
    seen = {}

    def run(module):
        seen.update(module.params)
        return dict(value=module.params['name'])

    result = outcome(capsys, dict(base, name='x'), run)
    assert result['value'] == 'x' and result['changed'] is False
    assert seen['endpoint'] == base['endpoint'] and seen['retries'] is not None


def test_changed_from_run_wins(base, capsys):
    assert outcome(capsys, base, lambda module: dict(changed=True))['changed'] is True


def test_module_kwargs_reach_ansible_module(base, capsys):
    result = outcome(capsys, dict(base, name='x', other='y'), lambda module: {},
                     spec=dict(name=dict(type='str'), other=dict(type='str')),
                     mutually_exclusive=[('name', 'other')])
    assert result['failed'] and 'mutually exclusive' in result['msg']


def test_workspace_error_fails_with_its_message(base, capsys):
    def run(module):
        raise WorkspaceConfigError('name must be short, got %r' % module.params['name'])

    result = outcome(capsys, dict(base, name='long'), run)
    assert result['failed'] is True and result['msg'] == "name must be short, got 'long'"


def test_api_error_fails_with_structured_fields_and_no_secret(server, base, capsys):
    server.queue.append(Answer(403, {'error_code': 'WKS.0403', 'error_msg': 'denied', 'request_id': 'req-1'}))

    def run(module):
        with WorkspaceClient(resolve_connection(module.params)) as client:
            return client.request('GET', client.connection.endpoint, '/v2/proj/export-tasks')

    result = outcome(capsys, base, run)
    assert result['failed'] is True and 'HTTP 403' in result['msg']
    assert (result['http_status'], result['error_code'], result['error_msg'], result['request_id']) == (
        403, 'WKS.0403', 'denied', 'req-1')
    assert SECRET not in json.dumps(result) and 'Traceback' not in result['msg']


def test_result_error_fails_with_its_fields_and_a_scrubbed_message(base, capsys):
    def run(module):
        raise WorkspaceResultError('the server said %s' % module.params['secret_key'], missing_task_ids=['a'])

    result = outcome(capsys, base, run)
    assert result['failed'] is True and result['missing_task_ids'] == ['a']
    assert SECRET not in json.dumps(result) and result['msg'].startswith('the server said ')
