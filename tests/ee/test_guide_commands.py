# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation's blocks of commands that build or run containers (the Automation Platform guide's), run as
tests/release/test_doc_commands.py runs every other block, with the same script, against an emulator; with the
harness's tools (ansible-builder, ansible-navigator) on PATH, and the connection under the HW_* names that the
guide gives. The definitions' base image is the one the harness made locally."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import subprocess

import pytest

from tools import ee
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

ROOT = ee.ROOT
_SPEC = importlib.util.spec_from_file_location('doc_commands', os.path.join(ROOT, 'tests', 'release', 'test_doc_commands.py'))
doc_commands = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(doc_commands)

CONTAINER_BLOCKS = [(path, start, lines) for path, start, lines in doc_commands.documented_blocks()
                    if ee.needs_containers(lines)]


def test_the_guide_builds_and_runs_the_environments():
    assert {path for path, _start, _lines in CONTAINER_BLOCKS} == {'docs/docsite/rst/guide_automation_platform.rst'}
    commands = [line.split()[0] for _path, _start, lines in CONTAINER_BLOCKS for line in lines]
    assert {'ansible-builder', 'ansible-navigator', 'podman'} <= set(commands)


@pytest.mark.parametrize('path, start, lines', CONTAINER_BLOCKS,
                         ids=['%s:%d' % (path, start) for path, start, _lines in CONTAINER_BLOCKS])
def test_documented_container_commands_run(path, start, lines, ee_image, containers):
    with EmulatorProcess(seed={'tasks': [{'task_id': 'finished', 'file_name': 'users.xlsx', 'status': 'SUCCESS'}]}) as emulator:
        injected, _extra_vars = ee.inject_credential({'access_key': emulator.access_key, 'secret_key': emulator.secret_key,
                                                      'region': emulator.region, 'endpoint': emulator.url,
                                                      'iam_endpoint': emulator.url})
        environment = without_cloud_credentials(containers)
        environment.update(injected)
        environment.update({'PATH': os.pathsep.join([os.path.join(ee.VENV, 'bin'), doc_commands.BIN, containers['PATH']]),
                            'ANSIBLE_NOCOLOR': '1'})
        with ee.timed('the guide\'s commands at line %d' % start):
            completed = subprocess.run(['bash', '-c', doc_commands.bash_script(lines, 'finished', doc_commands.free_port())],
                                       env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, universal_newlines=True, timeout=900)
    assert completed.returncode == 0, '%s, block at line %d:\n%s' % (path, start, completed.stdout[-20000:])
    assert '[DEPRECATION WARNING]' not in completed.stdout, completed.stdout
    assert emulator.secret_key not in completed.stdout
