# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documented examples that read the collection's facts, as they are written, against the emulator: none may
print a deprecation warning (on 2.21, reading a module's facts as top-level variables does, unless the action
registers them as set_fact does). What make demo runs is held to the same by tests/release/test_doc_commands.py,
which runs the README's `make demo`."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.modules import wait_for_exports

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEPRECATION = '[DEPRECATION WARNING]'
UUID = re.compile(r'\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b')
PROJECT = '0123456789abcdef0123456789abcdef'  # the project ID an example names


def readme_plays(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        return re.findall(r'```yaml\n(.*?)```', handle.read(), re.S)


def examples_play(module):
    """A module's EXAMPLES (a list of tasks) as a play on localhost."""
    return yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': yaml.safe_load(module.EXAMPLES)}])


EXAMPLES = {'wait_for_exports module': examples_play(wait_for_exports)}
EXAMPLES.update(('roles/wait_for_exports/README.md %d' % number, text)
                for number, text in enumerate(readme_plays('roles/wait_for_exports/README.md'), 1))


def environment(emulator):
    """The connection as a reader sets it for the cloud, pointed at the emulator (examples name only the region)."""
    return dict(emulator.user_environment(), HW_WORKSPACE_ENDPOINT=emulator.url,
                HUAWEICLOUD_SDK_IAM_ENDPOINT=emulator.url)


@pytest.mark.parametrize('name', sorted(EXAMPLES))
def test_the_examples_that_read_facts_run_without_a_deprecation(name, emulator_factory, run_playbook):
    text = EXAMPLES[name]
    tasks = [{'task_id': task_id, 'status': 'SUCCESS'} for task_id in sorted(set(UUID.findall(text)))]
    tasks.append({'task_id': 'running', 'file_name': 'desktops_20261128.xlsx', 'finish_after': 0.5})
    emulator = emulator_factory(seed={'project_id': PROJECT, 'tasks': tasks})
    secrets = {'vault_hw_access_key': emulator.access_key, 'vault_hw_secret_key': emulator.secret_key}
    run = run_playbook(text, extra_vars=secrets, env=environment(emulator))
    assert run.rc == 0, run.stdout + run.stderr
    assert DEPRECATION not in run.stdout + run.stderr, run.stdout + run.stderr

