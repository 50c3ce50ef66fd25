# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks share: ansible-playbook runs against this checkout. Importing it puts the
repository root on sys.path, for tools.workspace_emulator."""

import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

BIN = os.path.dirname(sys.executable)

# Play variables that connect to the emulator given by emulator_vars().
CONNECTION_VARS = '''    hwcloud_workspace_endpoint: "{{ emulator.url }}"
    hwcloud_workspace_project_id: "{{ emulator.project_id }}"
    hwcloud_workspace_access_key: "{{ emulator.access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator.secret_key }}"
'''


def emulator_vars(emulator):
    return {'emulator': {'url': emulator.url, 'project_id': emulator.project_id,
                         'access_key': emulator.access_key, 'secret_key': emulator.secret_key}}


def collections_path():
    """A collections path holding this checkout as ansible_collections/hwcloud/workspace (as tests/conftest.py does)."""
    path = os.path.join(ROOT, '.build', 'collections')
    link = os.path.join(path, 'ansible_collections', 'hwcloud', 'workspace')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    return path


def run_playbook(workdir, text, extra_vars):
    """(wall seconds, {task name: [results]}) of ansible-playbook on localhost with this checkout."""
    path = os.path.join(workdir, 'playbook.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    results_path = os.path.join(workdir, 'results.json')
    # The tests' callback records each task's result in a JSON file.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, 'tests', 'integration', 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='record_results', RECORD_RESULTS_FILE=results_path)
    command = [os.path.join(BIN, 'ansible-playbook'), path, '-i', 'localhost,', '-c', 'local',
               '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', json.dumps(extra_vars)]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit('ansible-playbook failed (exit status %d):\n%s%s' % (completed.returncode, completed.stdout, completed.stderr))
    with open(results_path, encoding='utf-8') as handle:
        return elapsed, json.load(handle)
