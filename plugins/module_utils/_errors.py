# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The errors every front end (module, lookup, action) turns into a failure message.

Front ends fail with scrub(str(exc), secrets) as the message and exc.as_result() as extra result fields.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class WorkspaceError(Exception):
    """Base class: str() is a message for a person, never holding a secret."""

    # Whether trying the same thing again later may succeed (waiters keep polling through such errors).
    retryable = False
    # Whether the request may have reached the service and been acted on although it failed (set by the client).
    arrived = False

    def as_result(self):
        """Fields a front end returns beside msg, so playbooks can branch on them."""
        return {}


class WorkspaceConfigError(WorkspaceError):
    """Invalid options, found before any request is sent."""


class WorkspaceTransportError(WorkspaceError):
    """The request did not get a usable HTTP answer (refused, reset, timed out, too large, TLS, redirect)."""

    def __init__(self, message, retryable=True):
        super(WorkspaceTransportError, self).__init__(message)
        self.retryable = retryable


class WorkspaceLocalError(WorkspaceError):
    """A file operation on this host failed; the message names the path and the operating system's error."""

    def __init__(self, action, path, exc):
        reason = getattr(exc, 'strerror', None) or str(exc) or exc.__class__.__name__
        super(WorkspaceLocalError, self).__init__('Cannot %s %s: %s' % (action, path, reason))


class WorkspaceResultError(WorkspaceError):
    """A failure that carries result fields (for example creating_task_ids, missing_task_ids, export_tasks)."""

    def __init__(self, msg, **fields):
        super(WorkspaceResultError, self).__init__(msg)
        self.fields = fields

    def as_result(self):
        return dict(self.fields)


class WorkspaceApiError(WorkspaceError):
    """The API answered with an error status, or with a body that is not what the API documents."""

    def __init__(self, method, url, status, error_code=None, error_msg=None, request_id=None, detail=None):
        self.method = method
        self.url = url
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.detail = detail
        super(WorkspaceApiError, self).__init__(self._message())

    @property
    def retryable(self):
        return self.status == 429 or self.status >= 500

    def _message(self):
        details = ['%s=%s' % (name, value) for name, value in (
            ('error_code', self.error_code), ('error_msg', self.error_msg)) if value]
        if self.detail:
            details.append(self.detail)
        if self.request_id:
            details.append('request_id=%s' % self.request_id)
        message = '%s %s failed with HTTP %s' % (self.method, self.url, self.status)
        return message + (': ' + ', '.join(details) if details else '')

    def as_result(self):
        return dict(http_status=self.status, error_code=self.error_code, error_msg=self.error_msg,
                    request_id=self.request_id)
