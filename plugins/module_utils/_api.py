# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The API operations the collection calls, in one table, and the project they act on.

Each operation is its name in the official SDK, its method and path, and whether a request for it may be
sent again when it may have arrived (an export that starts something must never be started twice). The
operations that start an export come from the kinds' declarations (_export_kinds.KINDS), one row each. The
project is resolved once, explicitly (open_workspace), before any request that needs it: nothing resolves
it on the way, so concurrent requests never race to look it up.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import quote

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_kinds import KINDS

WORKSPACE = 'workspace'
IAM = 'iam'


class Operation:
    """One API operation: method, path template ({project_id} and other path parameters) and service."""

    def __init__(self, name, method, path, idempotent=True, service=WORKSPACE):
        self.name = name
        self.method = method
        self.path = path
        self.idempotent = idempotent
        self.service = service


OPERATIONS = dict((operation.name, operation) for operation in (
    Operation('KeystoneListProjects', 'GET', '/v3/projects', service=IAM),
    Operation('ListExportTasks', 'GET', '/v2/{project_id}/export-tasks'),
    Operation('DownloadExportFile', 'GET', '/v2/{project_id}/export-tasks/{task_id}/download'),
    # Deleting tasks again deletes nothing more: a repeated request is harmless (a 400 names what is gone).
    Operation('DeleteExportTasks', 'POST', '/v2/{project_id}/export-tasks/batch-delete'),
) + tuple(
    # Each start creates a new export task, GET or not.
    Operation(kind.name, kind.method, kind.path, idempotent=False) for kind in KINDS.values()
))


def check_path_value(name, value):
    """value as one path segment: a non-empty string that is not "." or ".." (those would name another path)."""
    if not isinstance(value, str) or value in ('', '.', '..'):
        raise WorkspaceConfigError('%s must be a non-empty string other than "." and "..", got %r' % (name, value))
    return value


def _path(operation, values):
    return operation.path.format(**dict((name, quote(check_path_value(name, value), safe=''))
                                        for name, value in values.items()))


class Workspace:
    """The operations of OPERATIONS for one project, over one WorkspaceClient (closed with it)."""

    def __init__(self, client, project_id):
        self.client = client
        self.project_id = project_id

    @property
    def connection(self):
        return self.client.connection

    @property
    def concurrency(self):
        return self.client.connection.concurrency

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def url(self, name, **path_values):
        """The operation's URL without its query, for messages."""
        return self.connection.endpoint + _path(OPERATIONS[name], dict(path_values, project_id=self.project_id))

    def call(self, name, params=(), body=None, deadline=None, **path_values):
        """The decoded JSON answer of one operation; params are query (name, value) pairs, body a JSON body."""
        operation = OPERATIONS[name]
        path = _path(operation, dict(path_values, project_id=self.project_id))
        return self.client.request(operation.method, self.connection.endpoint, path, params, body=body,
                                   project_id=self.project_id, idempotent=operation.idempotent, deadline=deadline)

    def download(self, name, sink, deadline=None, **path_values):
        """Stream the file an operation hands out into sink (see WorkspaceClient.download)."""
        operation = OPERATIONS[name]
        path = _path(operation, dict(path_values, project_id=self.project_id))
        self.client.download(self.connection.endpoint, path, sink, project_id=self.project_id, deadline=deadline)


def project_id_of(client):
    """The connection's project_id, or the one IAM names for its region (one signed GET, as the SDK does)."""
    conn = client.connection
    if conn.project_id:
        return conn.project_id
    operation = OPERATIONS['KeystoneListProjects']
    body = client.request(operation.method, conn.iam_endpoint, operation.path, [('name', conn.region)])
    projects = body.get('projects')
    if not isinstance(projects, list) or not all(isinstance(p, dict) and isinstance(p.get('id'), str) and p['id']
                                                 for p in projects):
        raise WorkspaceApiError('GET', conn.iam_endpoint + operation.path, 200,
                                detail='the answer has no list of projects with ids')
    if not projects:
        raise WorkspaceConfigError(
            'IAM at %s has no project named %r: check region, or set project_id' % (conn.iam_endpoint, conn.region))
    if len(projects) > 1:
        raise WorkspaceConfigError('IAM at %s has several projects named %r (%s): set project_id to one of them'
                                   % (conn.iam_endpoint, conn.region, ', '.join(p['id'] for p in projects)))
    return projects[0]['id']


def open_workspace(client):
    """The Workspace of the client's project, resolved now; closes the client when resolving fails."""
    try:
        return Workspace(client, project_id_of(client))
    except BaseException:
        client.close()
        raise
