#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wait_for_exports
short_description: Wait until Huawei Cloud Workspace export tasks are done, and fail unless each gave a file
version_added: 2.0.0
description:
  - Waits until the given export tasks, or every export task that is C(CREATING) when it starts, are no
    longer C(CREATING), then sets the fact C(wait_for_exports_tasks) to their final records.
  - Fails with one message, one line per task, when a task ended C(FAIL) or C(EXPIRED) (its C(task_id),
    C(file_name), C(status), C(error_code) and C(fail_reason)), disappeared while waited on, or was still
    C(CREATING) when O(wait_timeout) passed; and when task IDs are unknown (then it does not wait). The records
    are then in the failed result's RV(export_tasks) (C(ansible_failed_result.export_tasks) in a C(rescue)).
  - It polls the way M(hwcloud.workspace.export_task_info) does with C(wait=true) (one request per 100
    running tasks). Over a local connection it runs in the controller process and prints its progress on
    standard error; on a remote host it runs there, silently.
  - The role P(hwcloud.workspace.wait_for_exports#role) is this module behind an argument spec; its variables
    C(wait_for_exports_task_ids), C(wait_for_exports_timeout), C(wait_for_exports_sleep) and
    C(wait_for_exports_max_tasks) become O(task_ids), O(wait_timeout), O(wait_sleep) and O(max_tasks). The role
    sets C(wait_for_exports_tasks) also when the wait fails, and its message names those variables instead.
author:
  - Workspace collection maintainers (@hwcloud-workspace)
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - hwcloud.workspace.wait
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
  task_ids:
    description:
      - IDs of the export tasks to wait on. Tasks already done are not waited on, but they are checked
        (a task already C(FAIL) or C(EXPIRED) fails the module).
      - When empty, every export task that is C(CREATING) when the module starts; when there is none, it
        returns at once with no records.
    type: list
    elements: str
    default: []
notes:
  - C(changed) is always V(false), because the module only reads.
seealso:
  - module: hwcloud.workspace.export_task_info
  - name: Listing Export Tasks (Huawei Cloud Workspace API)
    description: The API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-workspace/ListExportTasks.html
'''

EXAMPLES = r'''
- name: Wait for two exports, connection set once for the collection's modules
  module_defaults:
    group/hwcloud.workspace.workspace:
      region: cn-north-4
      access_key: "{{ vault_hw_access_key }}"
      secret_key: "{{ vault_hw_secret_key }}"
  block:
    - name: Wait until both files exist
      hwcloud.workspace.wait_for_exports:
        task_ids:
          - 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
          - 9f1e3c2a-6b7d-4e8f-a0b1-c2d3e4f5a6b7
        wait_timeout: 900
        wait_sleep: 10

    - name: Show the files
      ansible.builtin.debug:
        msg: "{{ wait_for_exports_tasks | map(attribute='file_name') | list }}"

- name: Wait for every running export, and report the failed ones without stopping the play
  block:
    - name: Wait
      hwcloud.workspace.wait_for_exports:
        region: cn-north-4
  rescue:
    - name: Show what went wrong, one line per task
      ansible.builtin.debug:
        msg: "{{ ansible_failed_result.msg }}"
'''

RETURN = r'''
export_tasks:
  description:
    - The final records of the tasks waited on, in the order of O(task_ids) (the fields of
      M(hwcloud.workspace.export_task_info)'s RV(hwcloud.workspace.export_task_info#module:export_tasks)).
    - On a failure, the last records seen.
  returned: always
  type: list
  elements: dict
  sample: [{task_id: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10, file_name: desktops_20261128.xlsx, status: SUCCESS}]
missing_task_ids:
  description: Unknown IDs of O(task_ids), or tasks that disappeared while waited on (the module then fails).
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
ansible_facts:
  description: The fact the module sets when it succeeds.
  returned: success
  type: dict
  contains:
    wait_for_exports_tasks:
      description: The same records as RV(export_tasks).
      returned: success
      type: list
      elements: dict
      sample: [{task_id: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10, file_name: desktops_20261128.xlsx, status: SUCCESS}]
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

from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import wait_for_exports as operation
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import run_module


def main():
    run_module(operation)


if __name__ == '__main__':
    main()
