# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: export_tasks
author:
  - Workspace collection maintainers (@hwcloud-workspace)
version_added: 1.0.0
short_description: Get Huawei Cloud Workspace export tasks inline, without a task and a register
description:
  - Returns export tasks of a Workspace project (C(GET /v2/{project_id}/export-tasks)), as the module
    M(hwcloud.workspace.export_task_info) does, for use in a C(when:), in C(vars:) or in a template.
  - It runs on the controller, so it is also the cheapest way to ask, with no module round trip.
  - With terms, the terms are task IDs and the result holds those tasks, in that order. An ID that does not
    exist fails the lookup, naming it.
  - Without terms, the result holds every task that matches the filters; every page is read.
  - The result is always a list. Use C(query(...)) or C(lookup(..., wantlist=true)) to keep it a list;
    plain C(lookup(...)) turns a one-element list into its element, and several strings into one comma-separated string.
  - A lookup is evaluated again at every use. A variable in C(vars:) that holds a lookup sends new requests each
    time it is used; to ask once, store the result with M(ansible.builtin.set_fact).
extends_documentation_fragment:
  - hwcloud.workspace.connection
  - hwcloud.workspace.filters
  - hwcloud.workspace.listing
  - hwcloud.workspace.connection.plugins
options:
  _terms:
    description:
      - IDs of the export tasks to return, in this order. A list of IDs is flattened.
      - When none is given, every task that matches the filters is returned.
      - With filters too, a task that does not match them counts as not found.
    type: list
    elements: str
    required: false
  query:
    description:
      - A L(JMESPath,https://jmespath.org/) expression applied to the list of task records (the same records the
        module returns), for example V([].task_id) or V([?status=='SUCCESS'].file_name).
      - When the expression gives a list, that list is the result. Any other value (a string, a number,
        an object, V(true)/V(false), or V(null)) is wrapped in a one-element list.
      - Needs the Python library C(jmespath) on the controller, only when this option is used.
      - The expression is checked before any request is sent.
    type: str
notes:
  - Connection options come, from highest to lowest precedence, from the lookup's keywords, from the variables
    C(hwcloud_workspace_<option>) (for example C(hwcloud_workspace_region)), from the environment and from
    the official SDK's profile file. Of the environment variables of an option, the C(HUAWEICLOUD_SDK_*) one wins
    when both it and the C(HW_*) one are set.
  - Invalid options, and an invalid O(query), fail the lookup before any request is sent.
  - The errors are the module's errors, with the HTTP status, the API's C(error_code) and C(error_msg), and the
    request ID. C(errors=ignore) or C(errors=warn) in the lookup call turn a failure into an empty result.
  - The secret options are never shown in an error.
requirements:
  - requests
  - jmespath (only for O(query))
seealso:
  - module: hwcloud.workspace.export_task_info
  - name: Listing Export Tasks (Huawei Cloud Workspace API)
    description: The API this lookup calls.
    link: https://support.huaweicloud.com/intl/en-us/api-workspace/ListExportTasks.html
'''

EXAMPLES = r'''
# The connection comes from variables, for example in group_vars (keep the secrets in a vault):
#   hwcloud_workspace_region: cn-north-4
#   hwcloud_workspace_project_id: 0123456789abcdef0123456789abcdef
#   hwcloud_workspace_access_key: "{{ vault_hw_access_key }}"
#   hwcloud_workspace_secret_key: "{{ vault_hw_secret_key }}"
# or from the environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_REGION, ...

- name: IDs of the successful exports (query() keeps the result a list)
  ansible.builtin.debug:
    msg: "{{ query('hwcloud.workspace.export_tasks', status='SUCCESS', query='[].task_id') }}"

- name: Say so while any export is still running
  ansible.builtin.debug:
    msg: Exports are still being created
  when: query('hwcloud.workspace.export_tasks', status='CREATING') | length > 0

- name: File names of the successful exports that were not downloaded yet, asked once
  ansible.builtin.set_fact:
    ready_files: >-
      {{ query('hwcloud.workspace.export_tasks', is_download=false, query="[?status=='SUCCESS'].file_name") }}

- name: Two given tasks, in this order
  ansible.builtin.set_fact:
    two_tasks: "{{ query('hwcloud.workspace.export_tasks', '2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10',
                         '9f1e3c2a-6b7d-4e8f-a0b1-c2d3e4f5a6b7') }}"

- name: The status of one task; a JMESPath scalar comes back as a one-element list
  ansible.builtin.debug:
    msg: "{{ lookup('hwcloud.workspace.export_tasks', my_task_id, query='[0].status') }}"

- name: Connection given as variables of the play
  vars:
    hwcloud_workspace_region: cn-north-4
    hwcloud_workspace_auth_token: "{{ iam_token }}"
  ansible.builtin.debug:
    msg: "{{ query('hwcloud.workspace.export_tasks', sort_field='create_time', sort_type='DESC', query='[:5].file_name') }}"

- name: Connection given as keywords, and an empty list instead of a failure
  ansible.builtin.debug:
    msg: "{{ query('hwcloud.workspace.export_tasks', region='cn-north-4', access_key=vault_hw_access_key,
                   secret_key=vault_hw_secret_key, errors='ignore') }}"
'''

RETURN = r'''
_raw:
  description:
    - Without O(query), the matching export tasks, each a dictionary with exactly the API's fields
      C(task_id), C(file_name), C(status), C(fail_reason), C(error_code), C(create_time), C(end_time) and C(is_download).
    - With O(query), what the expression gives, as a list (a value that is not a list is the one element of the list).
  type: list
  elements: raw
  sample:
    - task_id: 2b0c6f3e-0d5a-4a49-9a4c-4c2e8d1c7a10
      file_name: desktops_20261128.xlsx
      status: SUCCESS
      fail_reason: null
      error_code: null
      create_time: "2026-11-28T09:30:00.000Z"
      end_time: "2026-11-28T09:30:42.000Z"
      is_download: false
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.hwcloud.workspace.plugins.module_utils import _session
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    FILTERS,
    ExportTaskApi,
    find_tasks,
    unknown_task_ids_message,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import export_task_info
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import MAX_TASKS_ARG_SPEC, check_max_tasks
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import secret_values
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._compat import flatten_terms
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._failures import failure, masked
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._options import connection_variables, plugin_options

try:
    import jmespath
    from jmespath.functions import Functions as _JMESPathFunctions
    _KNOWN_FUNCTIONS = tuple(getattr(_JMESPathFunctions, 'FUNCTION_TABLE', ()))
except ImportError:
    jmespath = None
    _KNOWN_FUNCTIONS = ()

display = Display()

# The lookup's own options beside the connection's (DOCUMENTATION describes each): the module's filters, with task
# IDs as terms instead of task_id, and query.
LOOKUP_FILTERS = tuple(name for name in FILTERS if name != 'task_id')
OPTIONS = dict((name, spec) for name, spec in export_task_info.argument_spec().items() if name in LOOKUP_FILTERS)
OPTIONS.update(query=dict(type='str'), **MAX_TASKS_ARG_SPEC)
RULES = dict(required_together=export_task_info.REQUIRED_TOGETHER)


def _compile_query(expression):
    """The compiled JMESPath expression, or None when there is none; a clear error otherwise."""
    if expression is None:
        return None
    if jmespath is None:
        raise AnsibleLookupError('The option query needs the Python library jmespath on the controller: '
                                 'pip install jmespath')
    try:
        compiled = jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise AnsibleLookupError('query is not a valid JMESPath expression (%r): %s'
                                 % (expression, ' '.join(to_native(exc).split()))) from None
    unknown = sorted(_function_names(getattr(compiled, 'parsed', None)) - set(_KNOWN_FUNCTIONS))
    if unknown and _KNOWN_FUNCTIONS:
        raise AnsibleLookupError('query is not a valid JMESPath expression (%r): unknown function(s) %s'
                                 % (expression, ', '.join('%s()' % name for name in unknown)))
    return compiled


def _function_names(node):
    """Names of the functions an expression calls, from its parsed tree (so that typos fail before any request)."""
    if not isinstance(node, dict):
        return set()
    names = {node['value']} if node.get('type') == 'function_expression' and isinstance(node.get('value'), str) else set()
    for child in node.get('children') or ():
        names |= _function_names(child)
    return names


def _apply_query(compiled, expression, tasks):
    try:
        result = compiled.search(tasks)
    except jmespath.exceptions.JMESPathError as exc:
        raise AnsibleLookupError('query %r failed on the export tasks: %s'
                                 % (expression, ' '.join(to_native(exc).split()))) from None
    return result if isinstance(result, list) else [result]


def _task_ids(terms):
    task_ids = []
    for term in flatten_terms(terms or []):
        if not isinstance(term, str) or not term.strip():
            raise AnsibleLookupError('The terms of this lookup are export task IDs (non-empty strings), got %r' % (term,))
        task_ids.append(term.strip())
    return task_ids


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        found = connection_variables(variables, self._templar)
        secrets = secret_values(dict(found, **kwargs))
        try:
            # Everything is checked before the first request.
            params = plugin_options(_session.argument_spec(OPTIONS), kwargs, found, **RULES)
            max_tasks = check_max_tasks(params['max_tasks'])
        except Exception as exc:  # pylint: disable=broad-exception-caught
            hint = ' (give task IDs as terms)' if {'task_id', 'task_ids'} & set(kwargs) else ''
            raise AnsibleLookupError(failure(exc, secrets)[0] + hint) from None
        secrets = sorted(set(secrets) | set(secret_values(params)), key=len, reverse=True)

        task_ids = _task_ids(terms)
        filters = dict((name, params[name]) for name in LOOKUP_FILTERS)
        compiled = _compile_query(params['query'])
        try:
            with _session.session(params, display.warning) as workspace:
                secrets = sorted(set(secrets) | set(secret_values(workspace.connection)), key=len, reverse=True)
                tasks, dummy, missing = find_tasks(ExportTaskApi(workspace, max_tasks), filters, task_ids=task_ids)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise AnsibleLookupError(failure(exc, secrets)[0]) from None
        if missing:
            raise AnsibleLookupError(unknown_task_ids_message(missing))
        # Records a server wrote may echo the request's credentials: masked as the modules' results are.
        tasks = masked(tasks, secrets)
        if compiled is None:
            return tasks
        return _apply_query(compiled, params['query'], tasks)
