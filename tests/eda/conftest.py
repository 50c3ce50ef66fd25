# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tests that run ansible-rulebook, which lives in a venv of its own (.build/eda-venv, made from
tests/requirements-eda.txt) so that its pins never change the ansible-core under test. `make eda-test` makes that
venv and runs these tests with HWCLOUD_WORKSPACE_EDA_VENV naming it; the main run (make pytest) does not collect
them, as its venv has no ansible-rulebook. The event source's unit tests (tests/unit/extensions) run there."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

EDA_VENV = os.environ.get('HWCLOUD_WORKSPACE_EDA_VENV')
collect_ignore_glob = [] if EDA_VENV else ['test_*.py']


@pytest.fixture(scope='session')
def ansible_rulebook():
    """The ansible-rulebook executable of the EDA venv; its bin folder also has the ansible-galaxy and
    ansible-playbook it runs."""
    path = os.path.join(EDA_VENV, 'bin', 'ansible-rulebook')
    assert os.access(path, os.X_OK), '%s is missing: make eda-test makes it' % path
    return path
