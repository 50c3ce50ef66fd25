# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tests that build and run the execution environment (EE) and decision environment (DE) from the shipped
definitions (extensions/ee), with podman. `make ee-test` installs podman and mmdebstrap when missing and runs them
with HWCLOUD_WORKSPACE_EE=1; the main run (make pytest) does not collect them. The harness (tools/ee.py) holds what
this sandbox needs to run containers, and prints each step's time at the end."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from tools import ee

collect_ignore_glob = [] if os.environ.get('HWCLOUD_WORKSPACE_EE') == '1' else ['test_*.py']


@pytest.fixture(scope='session')
def containers():
    """The environment to run podman and the harness's tools in, with the definitions' base image present."""
    ee.ensure_venv()
    environment = ee.container_environment()
    ee.ensure_base_image(environment)
    return environment


@pytest.fixture(scope='session')
def ee_image(containers):
    return ee.build('execution-environment.yml', ee.EE_TAG, containers)


@pytest.fixture(scope='session')
def de_image(containers):
    return ee.build('decision-environment.yml', ee.DE_TAG, containers)


def pytest_terminal_summary(terminalreporter):
    if ee.TIMINGS:
        terminalreporter.write_sep('-', 'execution environment harness: time of each step')
        terminalreporter.write_line(ee.timings_report())
