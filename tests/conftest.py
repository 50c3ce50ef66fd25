# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the checkout importable as ansible_collections.hwcloud.workspace, for pytest and ansible-playbook."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys

from hypothesis import HealthCheck, settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_PATH = os.path.join(ROOT, '.build', 'collections')
_LINK = os.path.join(COLLECTIONS_PATH, 'ansible_collections', 'hwcloud', 'workspace')

# Under `ansible-test units` (tools/ansible_test.py) its pytest plugin has already made the copy of the collection
# importable, with ANSIBLE_COLLECTIONS_PATH pointing at it: the link, the path and the finder here would shadow it.
UNDER_ANSIBLE_TEST = 'ansible_pytest_collections' in os.environ.get('PYTEST_PLUGINS', '')

if not UNDER_ANSIBLE_TEST:
    if not os.path.exists(_LINK):
        os.makedirs(os.path.dirname(_LINK), exist_ok=True)
        try:
            os.symlink(ROOT, _LINK)
        except FileExistsError:  # made at the same moment by another pytest worker (pytest -n)
            pass
    if COLLECTIONS_PATH not in sys.path:
        sys.path.insert(0, COLLECTIONS_PATH)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)  # tools.workspace_emulator
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS_PATH

    # Import collection code through Ansible's own collection loader, as ansible-test's unit runner does, so
    # that plugin loaders (lookups) and plain imports agree on what ansible_collections.hwcloud.workspace is.
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder  # noqa: E402

    _AnsibleCollectionFinder(paths=[COLLECTIONS_PATH])._install()  # pylint: disable=protected-access

# Hypothesis keeps its examples under .build/ (ignored by git and by the collection build), not in .hypothesis/.
os.environ.setdefault('HYPOTHESIS_STORAGE_DIRECTORY', os.path.join(ROOT, '.build', 'hypothesis'))

# Hypothesis fails an example that runs longer than a deadline (200 ms) and a test whose examples are slow to
# make: both time the machine's load, not the code, and a CI machine running two legs at once is loaded. Neither is
# checked, in every test; a test's own @settings keeps this unless it says otherwise.
settings.register_profile('hwcloud_workspace', deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile('hwcloud_workspace')


import pytest  # noqa: E402

# Prefixes of the variables that point the collection at credentials, a region or a cloud.
CONNECTION_ENV_PREFIXES = ('HUAWEICLOUD_', 'HW_')


# The files that keep one pytest worker busy a minute or more (tools/matrix.py runs a file's tests on one worker),
# the longest first: started first, they do not end the parallel part alone while the other workers wait.
LONGEST_FILES = (
    'tests/release/test_doc_commands.py',
    'tests/integration/test_export_task_info.py',
    'tests/integration/test_bounded.py',
    'tests/integration/test_every_module_on_the_controller.py',
)


def pytest_configure(config):
    missing = [path for path in LONGEST_FILES if not os.path.exists(os.path.join(ROOT, path))]
    if missing:  # a renamed file would silently lose its place
        raise pytest.UsageError('tests/conftest.py names test files that do not exist: %s' % ', '.join(missing))


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = os.path.relpath(str(item.fspath), ROOT)
        return LONGEST_FILES.index(path) if path in LONGEST_FILES else len(LONGEST_FILES)

    items.sort(key=rank)  # stable: the order within a file and among the others is kept


@pytest.fixture(autouse=True)
def no_connection_environment(monkeypatch):
    """Every test starts without the developer's HUAWEICLOUD_* / HW_* variables (tests set their own)."""
    for name in list(os.environ):
        if name.startswith(CONNECTION_ENV_PREFIXES):
            monkeypatch.delenv(name)
