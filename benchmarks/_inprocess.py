# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Listing every export task in plain Python, run as its own process by listing.py:

    python benchmarks/_inprocess.py sdk|client ENDPOINT PROJECT_ID ACCESS_KEY SECRET_KEY

sdk: the official SDK's list_export_tasks loop (huaweicloudsdkworkspace, pages of 100 until count), as a user
writes it without this collection; client: this collection's module_utils, as the module calls them.
Prints one JSON object: the loop's wall and CPU seconds, the process's peak RSS, the tasks found.
"""

import json
import resource
import sys
import time

import _playbooks  # noqa: F401  (puts the repository root on sys.path)


def sdk_loop(endpoint, project_id, access_key, secret_key):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkworkspace.v2 import ListExportTasksRequest, WorkspaceClient

    config = HttpConfig.get_default_config()
    config.timeout = 60
    client = WorkspaceClient.new_builder().with_http_config(config) \
        .with_credentials(BasicCredentials(access_key, secret_key, project_id)).with_endpoints([endpoint]).build()

    def run():
        tasks = []
        while True:
            response = client.list_export_tasks(ListExportTasksRequest(offset=len(tasks), limit=100))
            tasks.extend(response.export_tasks or [])
            if not response.export_tasks or len(tasks) >= response.count:
                return tasks
    return run


def collection_client(endpoint, project_id, access_key, secret_key):
    sys.path.insert(0, _playbooks.collections_path())
    # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
    from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
    from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi, find_tasks

    options = dict(endpoint=endpoint, project_id=project_id, access_key=access_key, secret_key=secret_key)

    def run():
        with WorkspaceClient(resolve_connection(options, environ={})) as client:
            return find_tasks(ExportTaskApi(client), {})[0]
    return run


def main():
    kind, endpoint, project_id, access_key, secret_key = sys.argv[1:]
    run = {'sdk': sdk_loop, 'client': collection_client}[kind](endpoint, project_id, access_key, secret_key)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    tasks = run()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({'wall': wall, 'tasks': len(tasks), 'rss_mib': after.ru_maxrss / 1024.0,
                      'cpu': after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}))


if __name__ == '__main__':
    main()
