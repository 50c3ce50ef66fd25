# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every exception becomes a message without a secret and without a traceback."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceResultError,
)
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._failures import failure

SECRET = 'the-secret-value'


def test_a_workspace_error_keeps_its_words_and_fields():
    message, fields = failure(WorkspaceResultError('Unknown export task ID(s): x', missing_task_ids=['x']), [SECRET])
    assert message == 'Unknown export task ID(s): x' and fields == dict(missing_task_ids=['x'])
    message, fields = failure(WorkspaceApiError('GET', 'https://h/p', 401, 'APIGW.0301', 'bad', 'rq'), [SECRET])
    assert 'HTTP 401' in message and fields['http_status'] == 401 and fields['request_id'] == 'rq'
    assert failure(WorkspaceConfigError('limit must be 1 to 100'), [])[1] == {}


def test_secrets_are_masked():
    message, _fields = failure(WorkspaceConfigError('token %s is wrong' % SECRET), [SECRET])
    assert SECRET not in message and 'token ******** is wrong' == message


def test_an_unexpected_exception_is_named_not_traced():
    message, fields = failure(KeyError('lost %s' % SECRET), [SECRET])
    assert message.startswith('Unexpected error (KeyError): ') and SECRET not in message and fields == {}
    assert 'Traceback' not in message
