# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The project ID of a region, looked up in IAM the way the official SDK does when it is not given."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)

IAM_PROJECTS_PATH = '/v3/projects'


def resolve_project_id(client):
    """The connection's project_id, looked up by region name in IAM (one signed GET) when unset."""
    conn = client.connection
    if conn.project_id:
        return conn.project_id
    body = client.get_json(conn.iam_endpoint, IAM_PROJECTS_PATH, [('name', conn.region)])
    projects = body.get('projects')
    if not isinstance(projects, list) or not all(isinstance(p, dict) and p.get('id') for p in projects):
        raise WorkspaceApiError('GET', conn.iam_endpoint + IAM_PROJECTS_PATH, 200,
                                detail='the answer has no list of projects with ids')
    if not projects:
        raise WorkspaceConfigError(
            'IAM at %s has no project named %r: check region, or set project_id' % (conn.iam_endpoint, conn.region))
    if len(projects) > 1:
        raise WorkspaceConfigError('IAM at %s has several projects named %r (%s): set project_id to one of them'
                                   % (conn.iam_endpoint, conn.region, ', '.join(p['id'] for p in projects)))
    conn.project_id = projects[0]['id']
    return conn.project_id
