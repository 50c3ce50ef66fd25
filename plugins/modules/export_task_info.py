#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: export_task_info
short_description: List Huawei Cloud Workspace export tasks, and wait until they are done
version_added: 1.0.0
description:
  - Lists the export tasks of a Workspace project (desktop lists, user lists, usage reports) with
    C(GET /v2/{project_id}/export-tasks), with the API's filters.
  - Without O(offset) and O(limit) it reads every page and returns every matching task once.
  - With O(wait=true) it follows the tasks it found until none of them is C(CREATING), within one module run.
author:
  - Workspace collection maintainers (@hwcloud-workspace)
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - hwcloud.workspace.wait
  - hwcloud.workspace.filters
  - hwcloud.workspace.listing
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  action_group:
    support: full
    membership:
      - hwcloud.workspace.workspace
    description: Use C(group/hwcloud.workspace.workspace) in C(module_defaults) to set the connection once.
options:
  task_id:
    description:
      - Only the task with this ID (the API's C(task_id) filter).
      - Mutually exclusive with O(task_ids).
    type: str
  task_ids:
    description:
      - Only the tasks with these IDs, in this order. Any ID not found fails the module, naming it
        (the IDs are in RV(missing_task_ids)).
      - The module fetches them with as few requests as it can (pages of the newest tasks, or one request per ID).
      - Mutually exclusive with O(task_id), O(offset) and O(limit).
    type: list
    elements: str
  offset:
    description:
      - Return only the page that starts at this offset (0 or more).
      - When neither O(offset) nor O(limit) is set, every page is read.
    type: int
  limit:
    description:
      - Return only one page of this size (1 to 100; the API's default is 20).
      - When neither O(offset) nor O(limit) is set, every page is read.
    type: int
  wait:
    description:
      - Follow the tasks that this call matched until none of them is C(CREATING), then return their final records.
      - When nothing matched, the module returns at once.
      - A followed task that is no longer found is named in RV(missing_task_ids) and in a warning.
      - See O(wait_timeout) and O(wait_sleep) for how long it waits and how it polls.
    type: bool
    default: false
notes:
  - C(changed) is always V(false), because the module only reads.
  - Tasks that disappear while they are followed are named in a warning and in RV(missing_task_ids).
seealso:
  - plugin: hwcloud.workspace.export_tasks
    plugin_type: lookup
  - name: Listing Export Tasks (Huawei Cloud Workspace API)
    description: The API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-workspace/ListExportTasks.html
'''

EXAMPLES = r'''
- name: List every export task, signing with AK/SK from the environment (HUAWEICLOUD_SDK_AK/SK)
  hwcloud.workspace.export_task_info:
    region: cn-north-4
  register: all_exports

- name: List the successful exports that were not downloaded yet, with explicit AK/SK
  hwcloud.workspace.export_task_info:
    region: cn-north-4
    project_id: 0123456789abcdef0123456789abcdef
    access_key: "{{ vault_hw_access_key }}"
    secret_key: "{{ vault_hw_secret_key }}"
    status: SUCCESS
    is_download: false
  register: ready

- name: Authenticate with an IAM token instead of AK/SK
  hwcloud.workspace.export_task_info:
    region: cn-north-4
    auth_token: "{{ iam_token }}"
    file_name: desktops_20261128.xlsx

- name: Set the connection once for every module of the collection
  module_defaults:
    group/hwcloud.workspace.workspace:
      region: cn-north-4
      access_key: "{{ vault_hw_access_key }}"
      secret_key: "{{ vault_hw_secret_key }}"
  block:
    - name: Newest ten tasks only (one page)
      hwcloud.workspace.export_task_info:
        sort_field: create_time
        sort_type: DESC
        offset: 0
        limit: 10
      register: newest

    - name: Wait until every running export is done
      hwcloud.workspace.export_task_info:
        status: CREATING
        wait: true
        wait_timeout: 900
        wait_sleep: 10
      register: finished

    - name: Show the files of the exports that succeeded
      ansible.builtin.debug:
        msg: "{{ finished.export_tasks | selectattr('status', '==', 'SUCCESS') | map(attribute='file_name') | list }}"

- name: Wait on two given tasks
  hwcloud.workspace.export_task_info:
    region: cn-north-4
    task_ids:
      - 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
      - 9f1e3c2a-6b7d-4e8f-a0b1-c2d3e4f5a6b7
    wait: true
'''

RETURN = r'''
export_tasks:
  description:
    - The matching export tasks, each with exactly the API's fields. With O(wait=true), their final records.
  returned: always
  type: list
  elements: dict
  contains:
    task_id:
      description: ID of the export task.
      type: str
      returned: always
      sample: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
    file_name:
      description: Name of the exported file.
      type: str
      returned: always
      sample: desktops_20261128.xlsx
    status:
      description: State of the task, one of C(CREATING), C(SUCCESS), C(FAIL) or C(EXPIRED).
      type: str
      returned: always
      sample: SUCCESS
    fail_reason:
      description: Why the task failed, when it did.
      type: str
      returned: always
      sample: null
    error_code:
      description: Error code of a failed task.
      type: str
      returned: always
      sample: null
    create_time:
      description: UTC time the export started (C(yyyy-MM-ddTHH:mm:ss.SSSZ)).
      type: str
      returned: always
      sample: "2026-11-28T09:30:00.000Z"
    end_time:
      description: UTC time the export ended (C(yyyy-MM-ddTHH:mm:ss.SSSZ)).
      type: str
      returned: always
      sample: "2026-11-28T09:30:42.000Z"
    is_download:
      description: Whether the file has been downloaded.
      type: bool
      returned: always
      sample: false
count:
  description:
    - The API's total of matching tasks. In one-page mode it can be larger than the page.
    - With O(task_ids), the number of tasks found.
  returned: always
  type: int
  sample: 42
missing_task_ids:
  description:
    - IDs of O(task_ids) that do not exist, and of followed tasks that disappeared while waiting.
  returned: always
  type: list
  elements: str
  sample: []
creating_task_ids:
  description: IDs still C(CREATING) when O(wait_timeout) passed (the module then fails).
  returned: failure
  type: list
  elements: str
  sample: [2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10]
http_status:
  description: HTTP status of a failed API request.
  returned: failure
  type: int
  sample: 401
error_code:
  description: The API's C(error_code) of a failed request.
  returned: failure
  type: str
  sample: APIGW.0301
error_msg:
  description: The API's C(error_msg) of a failed request.
  returned: failure
  type: str
  sample: "Incorrect IAM authentication information: verify aksk signature fail"
request_id:
  description: Request ID of a failed request, when the API gave one.
  returned: failure
  type: str
  sample: 8e1f6f0a2a0b4c4f9a1b2c3d4e5f6a7b
'''

from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_task_info as operation
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import run_module


def main():
    run_module(operation)


if __name__ == '__main__':
    main()
