# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lookup under a real plugin loader, and the scripted export-task API on 127.0.0.1."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import ScriptedServer

COLLECTIONS_PATH = os.environ['ANSIBLE_COLLECTIONS_PATH']  # set by tests/conftest.py
PROJECT_ID = 'fedcba9876543210fedcba9876543210'

if AnsibleCollectionConfig.collection_finder is None:
    init_plugin_loader([COLLECTIONS_PATH])


@pytest.fixture
def api():
    server = ScriptedServer(project_id=PROJECT_ID)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No credentials from the developer's shell or profile file."""
    for name in list(os.environ):
        if name.startswith(('HUAWEICLOUD_SDK_', 'HW_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(tmp_path / 'no-credentials'))


@pytest.fixture
def lookup():
    plugin = lookup_loader.get('hwcloud.workspace.export_tasks')
    assert plugin is not None, 'the plugin loader cannot find hwcloud.workspace.export_tasks'
    return plugin


@pytest.fixture
def connection(api):
    """Keywords that point the lookup at the test server."""
    return dict(endpoint=api.url, project_id=PROJECT_ID, access_key='AKTEST', secret_key='SK-super-secret',
                retries=0, timeout=5)
