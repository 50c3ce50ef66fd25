# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The message of wait_for_exports: every reason, one line each, in one text."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WaitOutcome
from ansible_collections.hwcloud.workspace.plugins.module_utils._wait_for_exports import problems, run


def record(task_id, status, **fields):
    return dict(dict(task_id=task_id, file_name=task_id + '.xlsx', status=status, error_code=None, fail_reason=None),
                **fields)


def test_all_succeeded_is_no_problem():
    assert problems(WaitOutcome([record('a', 'SUCCESS')], [], []), 60) == []


def test_every_reason_is_a_line_of_one_message():
    outcome = WaitOutcome(
        [record('ok', 'SUCCESS'), record('bad', 'FAIL', error_code='WKS.1', fail_reason='disk full'),
         record('old', 'EXPIRED', error_code=''), record('slow', 'CREATING')],
        creating_ids=['slow'], missing_ids=['gone'], last_error='HTTP 503')
    assert problems(outcome, 2.5) == [
        '2 export task(s) ended without a file:',
        'task_id bad, file_name bad.xlsx, status FAIL, error_code WKS.1, fail_reason disk full',
        'task_id old, file_name old.xlsx, status EXPIRED, error_code none, fail_reason none',
        'Export task(s) disappeared while waiting: gone',
        'Timed out after 2.5 seconds; 1 export task(s) still CREATING:',
        'task_id slow, file_name slow.xlsx',
        'The last poll failed: HTTP 503',
    ]


@pytest.mark.parametrize('given, expected', [
    (dict(sleep=0.0), 'sleep must be a finite number of seconds, more than 0, got 0.0'),
    (dict(sleep=0.0, wait_for_exports_sleep='0'), "wait_for_exports_sleep must be a finite number of seconds, more than 0, got '0'"),
    (dict(timeout=-1.0, wait_for_exports_timeout=-1), 'wait_for_exports_timeout must be a finite number of seconds, at least 0, got -1'),
])
def test_a_bad_value_is_named_as_it_was_given_before_any_request(given, expected):
    params = dict(dict(task_ids=[], timeout=600.0, sleep=5.0), **given)
    with pytest.raises(WorkspaceConfigError) as caught:
        run(params, warn=None)  # no connection options: a request would fail differently
    assert str(caught.value) == expected
