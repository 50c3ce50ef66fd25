# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for end-to-end tests: the local Workspace emulator and real ansible-playbook runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from tools.workspace_emulator.testing import EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class PlaybookRun:
    def __init__(self, rc, stdout, stderr, results):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results

    def result(self, task_name):
        """The only result of the task of that name."""
        found = self.results.get(task_name)
        assert found and len(found) == 1, 'task %r: %r\n%s\n%s' % (task_name, found, self.stdout, self.stderr)
        return found[0]


@pytest.fixture
def emulator_factory():
    """Start emulators with emulator_factory(seed=dict, ...); all are stopped after the test."""
    started = []

    def start(seed=None, **kwargs):
        emulator = EmulatorProcess(seed=seed, **kwargs)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


def connection_vars(emulator):
    """Module options that point at the emulator with its AK/SK."""
    return dict(endpoint=emulator.url, iam_endpoint=emulator.url, project_id=emulator.project_id,
                access_key=emulator.access_key, secret_key=emulator.secret_key)


@pytest.fixture
def run_playbook(tmp_path):
    """run_playbook(yaml_text, extra_vars=None, env=None, args=()) runs ansible-playbook on localhost."""
    counter = [0]

    def run(playbook, extra_vars=None, env=None, args=()):
        counter[0] += 1
        playbook_path = tmp_path / ('playbook%d.yml' % counter[0])
        playbook_path.write_text(playbook)
        results_path = tmp_path / ('results%d.json' % counter[0])
        environment = dict(os.environ)
        environment.update({
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
            'RECORD_RESULTS_FILE': str(results_path),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        })
        # Credentials of the developer's shell must not leak into a test.
        for name in list(environment):
            if name.startswith(('HUAWEICLOUD_SDK_', 'HW_')):
                del environment[name]
        environment.update(env or {})
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), str(playbook_path),
                   '-i', 'localhost,', '-c', 'local',
                   '-e', 'ansible_python_interpreter=%s' % sys.executable]
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        command += list(args)
        completed = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, results)

    return run
