# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The message of wait_for_exports: every reason, one line each, in one text."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import types

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WaitOutcome
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations.wait_for_exports import problems, run


def record(task_id, status, **fields):
    return dict(dict(task_id=task_id, file_name=task_id + '.xlsx', status=status, error_code=None, fail_reason=None),
                **fields)


def test_all_succeeded_is_no_problem():
    assert problems(WaitOutcome([record('a', 'SUCCESS')], [], [], 60)) == []


def test_every_reason_is_a_line_of_one_message():
    outcome = WaitOutcome(
        [record('ok', 'SUCCESS'), record('bad', 'FAIL', error_code='WKS.1', fail_reason='disk full'),
         record('old', 'EXPIRED', error_code=''), record('slow', 'CREATING')],
        creating_ids=['slow'], missing_ids=['gone'], timeout=2.5, last_error='HTTP 503')
    assert problems(outcome) == [
        '2 export task(s) ended without a file:',
        'task_id bad, file_name bad.xlsx, status FAIL, error_code WKS.1, fail_reason disk full',
        'task_id old, file_name old.xlsx, status EXPIRED, error_code none, fail_reason none',
        'Export task(s) disappeared while waiting: gone',
        'Timed out after 2.5 seconds with 1 export task(s) still CREATING: slow (file slow.xlsx). The exports go on '
        'in the service: wait for them again, or raise wait_timeout. The last poll failed: HTTP 503',
    ]


@pytest.mark.parametrize('given, expected', [
    (dict(wait_sleep=0.0), 'wait_sleep must be a finite number of seconds, more than 0, got 0.0'),
    (dict(wait_timeout=-1.0), 'wait_timeout must be a finite number of seconds, at least 0, got -1.0'),
    (dict(wait_timeout=float('inf')), 'wait_timeout must be a finite number of seconds, at least 0, got inf'),
])
def test_a_bad_value_is_named_before_any_request(given, expected):
    module = types.SimpleNamespace(params=dict(dict(task_ids=[], wait_timeout=600.0, wait_sleep=5.0), **given))
    with pytest.raises(WorkspaceConfigError) as caught:
        run(module)  # no connection options: a request would fail differently
    assert str(caught.value) == expected
