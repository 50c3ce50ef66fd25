# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Downloading one export file in plain Python, run as its own process by download.py:

    python benchmarks/_download_inprocess.py sdk|client ENDPOINT PROJECT_ID ACCESS_KEY SECRET_KEY TASK_ID DEST_DIR

sdk: the official SDK's download_export_file (huaweicloudsdkworkspace: the whole body as raw_content), written to
a file as a user would; client: this collection's module_utils as export_file calls them (streamed into a
temporary file in DEST_DIR, hashed while written, flushed to disk). Prints one JSON object: the download's wall and
CPU seconds, the process's peak RSS, the bytes saved.
"""

import json
import os
import resource
import sys
import time

import _playbooks  # noqa: F401  (puts the repository root on sys.path)


def sdk_download(endpoint, project_id, access_key, secret_key):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkworkspace.v2 import DownloadExportFileRequest, WorkspaceClient

    config = HttpConfig.get_default_config()
    config.timeout = 600
    client = WorkspaceClient.new_builder().with_http_config(config) \
        .with_credentials(BasicCredentials(access_key, secret_key, project_id)).with_endpoints([endpoint]).build()

    def run(task_id, directory):
        content = client.download_export_file(DownloadExportFileRequest(task_id=task_id)).raw_content
        with open(os.path.join(directory, task_id), 'wb') as handle:
            handle.write(content)
        return len(content)
    return run


def collection_client(endpoint, project_id, access_key, secret_key):
    sys.path.insert(0, _playbooks.collections_path())
    # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.workspace.plugins.module_utils._api import open_workspace
    from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
    from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
    from ansible_collections.hwcloud.workspace.plugins.module_utils._download import downloaded

    options = dict(endpoint=endpoint, project_id=project_id, access_key=access_key, secret_key=secret_key)

    def run(task_id, directory):
        with open_workspace(WorkspaceClient(resolve_connection(options, environ={}))) as workspace:
            with downloaded(workspace, task_id, directory, task_id) as temp:
                os.link(temp.path, os.path.join(directory, task_id))  # put in place, as export_file does
                return temp.size
    return run


def main():
    kind, endpoint, project_id, access_key, secret_key, task_id, directory = sys.argv[1:]
    run = {'sdk': sdk_download, 'client': collection_client}[kind](endpoint, project_id, access_key, secret_key)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    size = run(task_id, directory)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({'wall': wall, 'size': size, 'rss_mib': after.ru_maxrss / 1024.0,
                      'cpu': after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}))


if __name__ == '__main__':
    main()
