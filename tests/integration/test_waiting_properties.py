# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The waiting property against the real emulator (a few examples: each is a real wait over HTTP): whatever
finishes when, with churn between the pages of a poll and random latencies, a task is reported finished
only when the server has it finished, and every task still CREATING at the time-out is named."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from tools.workspace_emulator.testing import EmulatorProcess

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._api import open_workspace
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi, TaskFollower, find_tasks
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import Waiter


# No shrinking: each example is a real wait over HTTP, and a failure is reported with its arguments as drawn.
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(finishing=st.integers(0, 150), stuck=st.integers(0, 20), history=st.integers(0, 300),
       finish=st.integers(1, 6), create=st.integers(0, 3), order=st.sampled_from(['oldest', 'random']),
       latency_ms=st.integers(0, 15), concurrency=st.sampled_from([1, 4, 8]))
def test_property_against_the_emulator(finishing, stuck, history, finish, create, order, latency_ms, concurrency):
    tasks = [{'task_id': 'old-%04d' % n, 'create_time': '2026-11-01T00:%02d:%02d.000Z' % (n // 60, n % 60)}
             for n in range(history)]
    tasks += [{'task_id': 'run-%04d' % n, 'finish_after': 3600 if n % 3 else 0.4 + n % 7 * 0.1,
               'create_time': '2026-11-02T00:%02d:%02d.000Z' % (n // 60, n % 60)} for n in range(finishing)]
    tasks += [{'task_id': 'stuck-%04d' % n, 'status': 'CREATING',
               'create_time': '2026-11-02T00:%02d:%02d.500Z' % (n // 60, n % 60)} for n in range(stuck)]
    with EmulatorProcess(seed={'tasks': tasks}, latency_ms=latency_ms) as emulator:
        emulator.inject({'churn': {'finish': finish, 'create': create, 'order': order}})
        connection = resolve_connection(dict(endpoint=emulator.url, iam_endpoint=emulator.url,
                                             project_id=emulator.project_id, access_key=emulator.access_key,
                                             secret_key=emulator.secret_key, concurrency=concurrency), environ={})
        with open_workspace(WorkspaceClient(connection)) as workspace:
            api = ExportTaskApi(workspace)
            followed = find_tasks(api, {'status': 'CREATING'})[0]
            outcome = Waiter(TaskFollower(api).fetch).wait(followed, 1.5, 0.1)
        server = dict((task['task_id'], task['status']) for task in emulator.tasks())
    assert outcome.missing_ids == []
    for task in outcome.tasks:
        if task['task_id'] in outcome.creating_ids:
            assert task['status'] == 'CREATING'
        else:
            assert task['status'] != 'CREATING' and server[task['task_id']] != 'CREATING', task
    still = set(task['task_id'] for task in followed if server[task['task_id']] == 'CREATING')
    assert still <= set(outcome.creating_ids)
    # a stuck task never finishes, and the first listing found every one of them
    assert set('stuck-%04d' % n for n in range(stuck)) <= set(outcome.creating_ids)
