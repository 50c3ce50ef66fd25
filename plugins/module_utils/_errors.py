# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The errors every front end (module, lookup) turns into a failure message."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class WorkspaceError(Exception):
    """Base class: str() is a message for a person, never holding a secret."""


class WorkspaceConfigError(WorkspaceError):
    """Invalid options, found before any request is sent."""


class WorkspaceTransportError(WorkspaceError):
    """The request did not get an HTTP answer (refused, reset, timed out, TLS)."""


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
        """The fields a module returns beside msg, so playbooks can branch on them."""
        return dict(http_status=self.status, error_code=self.error_code, error_msg=self.error_msg,
                    request_id=self.request_id)
