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
version_added: 2.0.0
description:
  - Downloads the file of an export task that is C(SUCCESS) (C(GET /v2/{project_id}/export-tasks/{task_id}/download))
    to O(dest), like M(ansible.builtin.get_url) does for a URL.
  - The file is streamed in chunks (memory stays flat whatever its size) into a temporary file in the destination
    directory, verified, and renamed onto O(dest), so O(dest) never holds a partial file.
  - The service answers with the file itself or with a link to object storage (a redirect or a JSON object with
    the URL). A link is followed without any Workspace credential header, and only when it is http(s) without a
    user name or password, not plain http while O(endpoint) is https, and not on a loopback or link-local address
    (such as a metadata service) unless O(endpoint) is one.
  - Every 64 KiB of the file (or its end) must arrive within O(timeout) seconds, so a big file on a slow link is
    not cut, while a body that stalls or trickles fails after about O(timeout) seconds, saying so, without a
    retry. A body cut short (a reset, a closed connection) is downloaded again from its start, up to O(retries)
    times. Nothing is left in the directory when the download fails.
  - The file is asked for without any content encoding (header C(Accept-Encoding) V(identity)) and saved exactly as
    it is sent. When a server, a proxy or object storage compresses it anyway (header C(Content-Encoding) V(gzip),
    V(deflate)...), the compressed bytes are saved, never inflated, as C(curl) does without C(--compressed); RV(size) and
    RV(checksum) are of those bytes, and a small compressed answer cannot fill the disk. The file is hashed while
    it is written (one pass; it is never read back).
  - The module records on the file (an extended attribute, where the file system has them) which export task it
    holds, so a later run knows whether O(dest) holds this task's file and not merely a file of that name.
  - A task that is C(CREATING), C(FAIL) or C(EXPIRED) fails the module, naming its status. Local errors (a
    directory that cannot be written, a full disk) fail with the path and the operating system's error.
author:
  - Workspace collection maintainers (@hwcloud-workspace)
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description:
      - Reports whether the file would be downloaded (and file attributes changed); writes and downloads nothing.
      - An existing O(dest) that is not known to hold this task's file is reported as a change.
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
      - Where to save the file, an absolute path (or one starting with C(~)). A path that is an existing directory,
        or that ends with C(/), is a directory; the file is saved there under the task's C(file_name). A name with a
        path separator or a control character, C(.), C(..), or a name of more than 255 bytes is refused.
      - The directory must exist.
    type: path
    required: true
  force:
    description:
      - With V(false), nothing is downloaded when O(dest) already holds this task's file as the module saved it;
        C(changed=false). When O(dest) exists otherwise, the file is downloaded and compared. The same bytes are
        no change; other bytes (another export's file of the same name, a file changed since) fail the module and
        leave O(dest) as it was, unless O(checksum) names the downloaded bytes.
      - With V(true), the file is downloaded every time; O(dest) is replaced only when the content differs.
      - A symbolic link where the file goes is never taken for the module's file and nothing is written through it;
        with V(false) the module fails and leaves the link as it is, with V(true) the link itself is replaced by
        the downloaded file.
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
  - Over a local connection the module runs in the controller process (its action plugin), writing with the same
    atomic move, mode, owner and group as the shipped module; the controller is then the target.
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

from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_file as operation
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import run_module


def main():
    run_module(operation)


if __name__ == '__main__':
    main()
