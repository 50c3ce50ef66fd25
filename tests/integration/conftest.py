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

from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class PlaybookRun:
    def __init__(self, rc, stdout, stderr, results):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results

    def result(self, task_name):
        """The only result of the task of that name (a role's task is recorded as '<role> : <name>')."""
        names = [name for name in self.results if name == task_name or name.endswith(' : ' + task_name)]
        found = self.results[names[0]] if len(names) == 1 else None
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


@pytest.fixture(scope='session')
def python_without_requests(tmp_path_factory):
    """A Python that cannot import requests: a bare venv of the Python running the tests."""
    home = tmp_path_factory.mktemp('bare-python')
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(home)], check=True)
    python = str(home / 'bin' / 'python')
    assert subprocess.run([python, '-c', 'import requests'], capture_output=True, check=False).returncode != 0
    return python


@pytest.fixture
def run_playbook(tmp_path):
    """run_playbook(playbook, extra_vars=None, env=None, args=(), connection='local', python=sys.executable).

    Runs ansible-playbook on localhost. playbook is YAML text, run with localhost as its inventory over the
    given connection plugin (shipped, in callback_plugins' sibling connection_plugins, ships modules like a
    remote connection) with python as its interpreter; or the name of a file in playbooks/ (run with
    inventory/localhost.yml, as users do). env is added to this process's environment, from which cloud
    credentials are removed.
    """
    counter = [0]

    def run(playbook, extra_vars=None, env=None, args=(), connection='local', python=sys.executable):
        counter[0] += 1
        if playbook.endswith('.yml') and '\n' not in playbook:
            playbook_path = os.path.join(ROOT, 'playbooks', playbook)
            inventory = ['-i', os.path.join(ROOT, 'inventory', 'localhost.yml')]
        else:
            playbook_path = str(tmp_path / ('playbook%d.yml' % counter[0]))
            with open(playbook_path, 'w') as handle:
                handle.write(playbook)
            inventory = ['-i', 'localhost,', '-c', connection, '-e', 'ansible_python_interpreter=%s' % python]
        results_path = tmp_path / ('results%d.json' % counter[0])
        environment = without_cloud_credentials(os.environ)
        environment.update(env or {})
        environment.update({
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
            'ANSIBLE_CONNECTION_PLUGINS': os.path.join(HERE, 'connection_plugins'),
            'RECORD_RESULTS_FILE': str(results_path),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            # A shipped module returns `invocation` (its arguments, no_log values masked) on ansible-core 2.19, and
            # from 2.21 on only with INJECT_INVOCATION on (2.21's default is off). On, every ansible-core tested
            # returns it on every path, so the tests check its masking and compare results field for field on all.
            'ANSIBLE_INJECT_INVOCATION': 'true',
        })
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), playbook_path] + inventory
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        command += list(args)
        completed = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, results)

    return run
