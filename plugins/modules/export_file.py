#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: export_file
short_description: Download the file of a finished Huawei Cloud Workspace export task
version_added: 1.1.0
description:
  - Downloads the file of an export task that is C(SUCCESS) (C(GET /v2/{project_id}/export-tasks/{task_id}/download))
    to O(dest), like M(ansible.builtin.get_url) does for a URL.
  - The file is streamed in chunks (memory stays flat whatever its size) into a temporary file in the destination
    directory, verified, and renamed onto O(dest), so O(dest) never holds a partial file.
  - The service answers with the file itself or with a link to object storage (a redirect or a JSON object with
    the URL). A link is followed without any Workspace credential header.
  - A task that is C(CREATING), C(FAIL) or C(EXPIRED) fails the module, naming its status.
author:
  - Workspace collection maintainers (@hwcloud-workspace)
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports whether the file would be downloaded (and file attributes changed); writes nothing.
  diff_mode:
    support: none
    description: Export files are spreadsheets; no diff is shown.
  action_group:
    support: full
    membership:
      - hwcloud.workspace.workspace
    description: Use C(group/hwcloud.workspace.workspace) in C(module_defaults) to set the connection once.
options:
  task_id:
    description: ID of the export task whose file to download.
    type: str
    required: true
  dest:
    description:
      - Where to save the file. A path that is an existing directory, or that ends with C(/), is a directory;
        the file is saved there under the task's C(file_name) (a name with a path separator or C(..) is refused).
      - The directory must exist.
    type: path
    required: true
  force:
    description:
      - With V(false), nothing is downloaded when O(dest) already exists (unless O(checksum) is set and the
        existing file does not match it); C(changed=false).
      - With V(true), the file is downloaded every time; O(dest) is replaced only when the content differs.
    type: bool
    default: false
  checksum:
    description:
      - The expected SHA-256 of the file, as C(sha256:<hex>). A download that does not match fails and leaves
        O(dest) as it was. An existing O(dest) that does not match is downloaded again, even with O(force=false).
    type: str
notes:
  - Credentials go to the Workspace endpoint only; a link to object storage is pre-signed and is fetched with no
    credential header.
seealso:
  - module: hwcloud.workspace.export_task
  - module: hwcloud.workspace.export_task_info
  - module: ansible.builtin.get_url
  - name: Role hwcloud.workspace.export_and_download
    link: https://github.com/hwcloud/workspace/blob/main/roles/export_and_download/README.md
    description: The role hwcloud.workspace.export_and_download starts an export, waits, downloads the file and cleans up.
'''

EXAMPLES = r'''
- name: Download the file of a finished export into a directory, under the task's file name
  hwcloud.workspace.export_file:
    task_id: "{{ export.task_id }}"
    dest: /srv/reports/
    mode: "0640"
  register: downloaded

- name: Download to a file of our choice, verified
  hwcloud.workspace.export_file:
    task_id: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
    dest: /srv/reports/desktops.xlsx
    checksum: "sha256:{{ expected_sha256 }}"
    force: true

- name: Download the files of every export that finished today
  hwcloud.workspace.export_file:
    task_id: "{{ item.task_id }}"
    dest: /srv/reports/
  loop: "{{ lookup('hwcloud.workspace.export_tasks', status='SUCCESS', wantlist=true) }}"
'''

RETURN = r'''
dest:
  description: Path of the file.
  returned: success
  type: str
  sample: /srv/reports/desktops_20261128093000.xlsx
size:
  description: Size of the file on disk in bytes. V(null) in check mode when it would be downloaded.
  returned: success
  type: int
  sample: 18342
checksum:
  description:
    - SHA-256 of the file on disk (hexadecimal). V(null) in check mode when it would be downloaded.
    - Give it back as O(checksum=sha256:<checksum>) to verify a later download.
  returned: success
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
task_id:
  description: ID of the export task.
  returned: always
  type: str
  sample: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
status:
  description: Status of the export task, when the module failed because it is not C(SUCCESS).
  returned: failure
  type: str
  sample: CREATING
http_status:
  description: HTTP status of a failed request.
  returned: failure
  type: int
  sample: 404
error_code:
  description: The API's C(error_code) of a failed request.
  returned: failure
  type: str
  sample: WKS.00010003
error_msg:
  description: The API's C(error_msg) of a failed request.
  returned: failure
  type: str
  sample: The export task does not exist.
request_id:
  description: Request ID of a failed request, when the API gave one.
  returned: failure
  type: str
  sample: 8e1f6f0a2a0b4c4f9a1b2c3d4e5f6a7b
'''

import os

from ansible_collections.hwcloud.workspace.plugins.module_utils._download import (
    file_sha256,
    open_export_file,
    parse_checksum,
    safe_file_name,
    save_to_temp,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceConfigError,
    WorkspaceResultError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect, run_module

SUCCESS = 'SUCCESS'


def argument_spec():
    return dict(
        task_id=dict(type='str', required=True),
        dest=dict(type='path', required=True),
        force=dict(type='bool', default=False),
        checksum=dict(type='str'),
    )


def finished_task(api, task_id):
    """The task's record; fails naming the status unless it is SUCCESS."""
    found, missing = api.get_by_ids([task_id])
    if missing:
        raise WorkspaceResultError('Unknown export task ID: %s' % task_id, task_id=task_id)
    task = found[0]
    if task['status'] != SUCCESS:
        reason = ' (error_code=%s, fail_reason=%s)' % (task['error_code'], task['fail_reason']) \
            if task['status'] == 'FAIL' else ''
        raise WorkspaceResultError('Export task %s (file %s) is %s%s: only a SUCCESS task has a file to download'
                                   % (task_id, task['file_name'], task['status'], reason),
                                   task_id=task_id, status=task['status'])
    return task


def up_to_date(path, force, expected):
    """The sha256 of path when it exists and needs no download, else None."""
    if force or not os.path.isfile(path):
        return None
    actual = file_sha256(path)
    return actual if expected is None or actual == expected else None


def finish(module, path, size, checksum, changed, task_id):
    """Apply mode/owner/group (check mode reports only) and build the result."""
    file_args = module.load_file_common_arguments(module.params, path=path)
    if os.path.exists(path):
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return dict(changed=changed, dest=path, size=size, checksum=checksum, task_id=task_id)


def download(module, client, task_id, path, expected):
    """Stream into a temporary file beside path, verify, then rename onto path; (size, sha256, changed)."""
    temp_path, size, actual = save_to_temp(open_export_file(client, task_id), os.path.dirname(path),
                                           os.path.basename(path))
    if expected is not None and actual != expected:
        os.unlink(temp_path)
        raise WorkspaceResultError('The file of export task %s has sha256 %s, not the expected %s; %s was left as it was'
                                   % (task_id, actual, expected, path), task_id=task_id, checksum=actual)
    if os.path.isfile(path) and file_sha256(path) == actual:
        os.unlink(temp_path)
        return size, actual, False
    module.atomic_move(temp_path, path, unsafe_writes=module.params['unsafe_writes'])
    return size, actual, True


def run(module):
    params = module.params
    task_id = params['task_id']
    expected = parse_checksum(params['checksum'])
    dest = params['dest']
    as_directory = os.path.isdir(dest) or dest.endswith(os.sep)
    directory = dest if as_directory else (os.path.dirname(dest) or '.')
    if not os.path.isdir(directory):
        raise WorkspaceConfigError('The directory of dest does not exist: %s' % directory)
    if not as_directory:
        checksum = up_to_date(dest, params['force'], expected)
        if checksum is not None:
            return finish(module, dest, os.path.getsize(dest), checksum, False, task_id)
    with connect(module) as client:
        task = finished_task(ExportTaskApi(client), task_id)
        path = os.path.join(dest, safe_file_name(task['file_name'], task_id)) if as_directory else dest
        checksum = up_to_date(path, params['force'], expected)
        if checksum is not None:
            return finish(module, path, os.path.getsize(path), checksum, False, task_id)
        if module.check_mode:
            return dict(changed=True, dest=path, size=None, checksum=None, task_id=task_id)
        size, checksum, changed = download(module, client, task_id, path, expected)
    return finish(module, path, size, checksum, changed, task_id)


def main():
    run_module(argument_spec(), run, supports_check_mode=True, add_file_common_args=True)


if __name__ == '__main__':
    main()
