#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: export_task
short_description: Start a Huawei Cloud Workspace export (and wait for it), or delete export tasks
version_added: 2.0.0
description:
  - With O(state=present), starts an export of desktops, users, user groups, the users of a group, user
    connections or usage metrics. The service creates an export task that is C(CREATING) until its file is
    ready; O(wait=true) waits for it within this run.
  - With O(state=absent), deletes the export tasks O(task_ids) (C(DeleteExportTasks), 200 per request).
    Only the IDs that exist are sent; IDs that do not exist are returned in RV(missing_task_ids).
  - Download the file of a finished task with M(hwcloud.workspace.export_file); the role
    R(hwcloud.workspace.export_and_download,ansible_collections.hwcloud.workspace.export_and_download_role)
    does start, wait, download and clean-up in one step.
author:
  - Workspace collection maintainers (@hwcloud-workspace)
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - hwcloud.workspace.wait
attributes:
  check_mode:
    support: full
    description:
      - With O(state=present) nothing is started and C(changed) is V(true) (a run would start an export).
      - With O(state=absent) the tasks are looked up and RV(deleted_task_ids) lists those a run would delete.
  diff_mode:
    support: none
    description: An export task has no state to compare.
  action_group:
    support: full
    membership:
      - hwcloud.workspace.workspace
    description: Use C(group/hwcloud.workspace.workspace) in C(module_defaults) to set the connection once.
options:
  state:
    description:
      - V(present) starts an export; V(absent) deletes the tasks O(task_ids).
    type: str
    choices: [present, absent]
    default: present
  kind:
    description:
      - What to export, with O(state=present) (required then). O(parameters) names the API operation of each kind.
    type: str
    choices: [desktops, users, user_groups, group_users, user_connections, desktop_usage, user_usage, desktop_versions,
              hosts, app_user_access, upgrade_strategies, terminal_bindings]
  parameters:
    description:
      - The filters of the export, exactly as the API (the request model of the official SDK) names them. Unknown keys,
        a missing required key, wrong types and values beyond the documented limits fail before any request, naming
        the key and what is allowed.
      - "A list in a query (for example C(computer_names)) is sent as the SDKs send it, one query pair per item with
        the name repeated (C(computer_names=pc1&computer_names=pc2)): a comma in an item is part of that one name.
        In a JSON body a list is a JSON list."
      - Each kind, its API operation in brackets, its parameters (type, allowed values, notes) and its rules, follow.
      - "V(desktops) (C(ExportDesktopListNew)): C(computer_name), C(computer_names) (list), C(desktop_ip),
        C(desktop_id), C(tag) (key=value), C(without_any_tag) (bool), C(enterprise_project_id),
        C(desktop_type) (V(DEDICATED), V(POOLED)), C(status) (V(ACTIVE), V(SHUTOFF), V(ERROR), V(HIBERNATED)),
        C(user_names) (list; at most 100 items), C(sort_field) (V(created), V(computer_name)), C(sort_type)
        (V(ASC), V(DESC)), C(user_attached) (bool), C(image_id), C(charge_mode) (V(0), V(1); 0 yearly/monthly,
        1 pay-per-use), C(in_maintenance_mode) (bool), C(subnet_id), C(connection_status_version) (V(NEW),
        V(OLD)), C(pool_id), C(include_pool) (bool), C(pool_name), C(pool_type) (V(DYNAMIC), V(STATIC)),
        C(pool_in_maintenance_mode) (bool), C(pool_enterprise_project_id). C(sort_field) and C(sort_type) go
        together. O(language) required by the API: V(en_US) when unset."
      - "V(users) (C(ExportUsersNew)): C(user_name) (1 to 20 characters: letters, digits, _ . - only, not
        starting with a digit), C(user_names) (list), C(description), C(active_type) (V(USER_ACTIVATE),
        V(ADMIN_ACTIVATE)), C(enterprise_project_id). O(language) optional."
      - "V(user_groups) (C(ExportUserGroupsNew)): C(name), C(group_ids) (list). O(language) optional."
      - "V(group_users) (C(ExportUserGroupUsersNew)): C(group_id) (required; in the path, not V(.) or V(..)),
        C(user_name), C(user_names) (list), C(description), C(active_type) (V(USER_ACTIVATE),
        V(ADMIN_ACTIVATE)), C(group_name), C(enterprise_project_id). O(language) optional."
      - "V(user_connections) (C(ExportUserConnectionNew)): C(start_time) (UTC, like V(2026-11-28T09:30:00Z)),
        C(end_time) (UTC, like V(2026-11-28T09:30:00Z)), C(user_name), C(computer_name), C(terminal_type),
        C(min_e2e_rtt) (integer >= 0), C(max_e2e_rtt) (integer >= 0), C(enterprise_project_id), C(public_ip),
        C(domain). C(max_e2e_rtt) not below C(min_e2e_rtt). C(start_time) to C(end_time) at most 30 days.
        C(start_time) within the last 30 days. O(language) optional."
      - "V(desktop_usage) (C(ExportDesktopUsageMetricNew)): C(start_time) (required; UTC, like
        V(2026-11-28T09:30:00Z)), C(end_time) (required; UTC, like V(2026-11-28T09:30:00Z)), C(resource_name),
        C(resource_id), C(min_idle_days) (integer >= 0), C(max_idle_days) (integer >= 0), C(usage_min_hours)
        (integer >= 0), C(usage_max_hours) (integer >= 0), C(enterprise_project_id), C(sort_field)
        (V(desktop_usage), V(desktop_idle_duration)), C(sort_type) (V(ASC), V(DESC)). C(sort_field) and
        C(sort_type) go together. C(max_idle_days) not below C(min_idle_days). C(usage_max_hours) not below
        C(usage_min_hours). C(start_time) within the last 180 days. No O(language)."
      - "V(user_usage) (C(ExportUserUsageMetricNew)): C(start_time) (required; UTC, like
        V(2026-11-28T09:30:00Z)), C(end_time) (required; UTC, like V(2026-11-28T09:30:00Z)), C(username),
        C(usage_min_hours) (integer >= 0), C(usage_max_hours) (integer >= 0), C(enterprise_project_id),
        C(sort_field) (V(user_usage)), C(sort_type) (V(ASC), V(DESC)). C(sort_field) and C(sort_type) go
        together. C(usage_max_hours) not below C(usage_min_hours). C(start_time) to C(end_time) at most 30
        days. No O(language)."
      - "V(desktop_versions) (C(ExportDesktopVersionList)): C(agent_version) (required; exact match),
        C(os_type) (required; the operating system type), C(desktop_id), C(desktop_name), C(username).
        O(language) required by the API: V(en_US) when unset."
      - "V(hosts) (C(ExportHostsDetail)): C(name), C(availability_zone), C(host_id), C(enterprise_project_id),
        C(host_type), C(host_type_name), C(state) (V(available), V(fault), V(released)), C(limit) (integer >=
        0), C(offset) (integer >= 0), C(marker), C(changes_since) (ISO 8601, like
        V(2015-08-27T09:49:58-05:00)), C(sort_field) (V(instance_total), V(available_vcpus),
        V(available_memory)), C(sort_type) (V(ASC), V(DESC)). C(sort_field) and C(sort_type) go together.
        O(language) required by the API: V(en_US) when unset."
      - "V(app_user_access) (C(ExportAppUserAccessData)): C(start_time) (required; UTC, like
        V(2026-11-28T09:30:00Z)), C(end_time) (required; UTC, like V(2026-11-28T09:30:00Z)), C(username),
        C(sort_field) (V(access_failed_count), V(last_access_failed_time)), C(sort_type) (V(ASC), V(DESC)).
        C(sort_field) and C(sort_type) go together. No O(language)."
      - "V(upgrade_strategies) (C(ExportTenantUpgradeStrategies)): C(strategy_name), C(strategy_type)
        (integer; V(0), V(1); 0 server, 1 client), C(is_force_upgrade) (integer; V(0), V(1); 0 no, 1 yes),
        C(status) (integer; V(0), V(1); 0 disabled, 1 enabled), C(strategy_priority) (integer >= 0).
        O(language) required by the API: V(en_US) when unset."
      - "V(terminal_bindings) (C(ExportTerminalsBindingDesktopsInfoNew)): C(computer_name), C(mac).
        O(language) required by the API: V(en_US) when unset."
    type: dict
    default: {}
  language:
    description:
      - Language of the exported file's headings (C(language) of the request).
      - "Required by the API, so always sent, V(en_US) when unset: V(desktops), V(desktop_versions), V(hosts),
        V(upgrade_strategies), V(terminal_bindings)."
      - "Optional, sent only when set (the service's default, English, applies otherwise): V(users), V(user_groups),
        V(group_users), V(user_connections)."
      - "Not taken (setting it fails): V(desktop_usage), V(user_usage), V(app_user_access)."
    type: str
    choices: [zh_CN, en_US]
  wait:
    description:
      - With O(state=present), wait until the export task is no longer C(CREATING) and return its final record.
      - The module fails when the task ends C(FAIL) or C(EXPIRED), naming the task, its file, status,
        error code and reason.
    type: bool
    default: false
  task_ids:
    description:
      - With O(state=absent) (required then), the IDs of the export tasks to delete (each 1 to 64 characters).
    type: list
    elements: str
notes:
  - When a step after the start fails (the first look at the task, the wait), the module fails with RV(task_id) and
    C(changed=true). The export goes on in the service, so a re-run should not start another one blindly.
  - With O(wait=true) over a local connection the module runs in the controller process and prints its progress on
    standard error.
  - Starting an export is an action, not a state. Every run with O(state=present) starts a new export and reports
    C(changed=true); guard it with C(when) or use the role
    R(hwcloud.workspace.export_and_download,ansible_collections.hwcloud.workspace.export_and_download_role).
  - A request that starts an export is retried only when it certainly did not reach the service (connection
    refused, HTTP 429 or 503), never after a read time-out, so that an export is never started twice.
seealso:
  - module: hwcloud.workspace.export_file
  - module: hwcloud.workspace.export_task_info
  - name: Role hwcloud.workspace.export_and_download
    link: https://github.com/hwcloud/workspace/blob/main/roles/export_and_download/README.md
    description: The role hwcloud.workspace.export_and_download starts an export, waits, downloads the file and cleans up.
'''

EXAMPLES = r'''
- name: Export the desktops that are running, in English, and wait for the file
  hwcloud.workspace.export_task:
    kind: desktops
    parameters:
      status: ACTIVE
    language: en_US
    wait: true
  register: export

- name: Download it
  hwcloud.workspace.export_file:
    task_id: "{{ export.task_id }}"
    dest: /srv/reports/

- name: Export a week of user connections (started only; wait elsewhere)
  hwcloud.workspace.export_task:
    kind: user_connections
    parameters:
      start_time: "2026-11-21T00:00:00Z"
      end_time: "2026-11-28T00:00:00Z"

- name: Export the users of one group
  hwcloud.workspace.export_task:
    kind: group_users
    parameters:
      group_id: 0f4b1a2c3d4e5f60718293a4b5c6d7e8

- name: Export the desktops whose agent has one version (language en_US, the default where the API requires one)
  hwcloud.workspace.export_task:
    kind: desktop_versions
    parameters:
      agent_version: 1.24.0
      os_type: Windows

- name: Export two desktops by name (sent as computer_names=pc-01&computer_names=pc-02)
  hwcloud.workspace.export_task:
    kind: desktops
    parameters:
      computer_names: [pc-01, pc-02]
    language: zh_CN

- name: Delete export tasks that are no longer needed
  hwcloud.workspace.export_task:
    state: absent
    task_ids: "{{ old_exports | map(attribute='task_id') | list }}"
'''

RETURN = r'''
task_id:
  description:
    - ID of the export task that was started. V(null) in check mode.
    - Also returned when the module fails after the start (then with C(changed=true)).
    - V(null) with C(changed=true) when the start was sent but its answer was lost (a dropped connection, a time-out,
      a server error). The export may have been started then, so the module does not send it again; list the
      export tasks before starting it again.
  returned: state is present
  type: str
  sample: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
export_task:
  description:
    - The record of the started task (final with O(wait=true)), with the fields of
      M(hwcloud.workspace.export_task_info)'s C(export_tasks). V(null) in check mode.
  returned: state is present
  type: dict
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
      sample: desktops_20261128093000.xlsx
    status:
      description: C(CREATING), C(SUCCESS), C(FAIL) or C(EXPIRED).
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
      description: UTC time the export started.
      type: str
      returned: always
      sample: "2026-11-28T09:30:00.000Z"
    end_time:
      description: UTC time the export ended.
      type: str
      returned: always
      sample: "2026-11-28T09:30:42.000Z"
    is_download:
      description: Whether the file has been downloaded.
      type: bool
      returned: always
      sample: false
deleted_task_ids:
  description: With O(state=absent), the IDs that were deleted (in check mode, that would be deleted).
  returned: state is absent
  type: list
  elements: str
  sample: [2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10]
missing_task_ids:
  description: With O(state=absent), the IDs of O(task_ids) that do not exist (nothing is sent for them).
  returned: state is absent
  type: list
  elements: str
  sample: []
creating_task_ids:
  description: The started task's ID when O(wait_timeout) passed while it was still C(CREATING) (the module then fails).
  returned: failure
  type: list
  elements: str
  sample: [2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10]
http_status:
  description: HTTP status of a failed API request.
  returned: failure
  type: int
  sample: 400
error_code:
  description: The API's C(error_code) of a failed request, or of a task that ended C(FAIL).
  returned: failure
  type: str
  sample: WKS.00010001
error_msg:
  description: The API's C(error_msg) of a failed request.
  returned: failure
  type: str
  sample: The parameter is invalid.
request_id:
  description: Request ID of a failed request, when the API gave one.
  returned: failure
  type: str
  sample: 8e1f6f0a2a0b4c4f9a1b2c3d4e5f6a7b
'''

from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_task as operation
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import run_module


def main():
    run_module(operation)


if __name__ == '__main__':
    main()
