# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running a module in-process as a shipped module runs, and its connection to the test's local server.

A test file names its module (MODULE) and its secret (SECRET); run_module(args) is the result the module prints.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.workspace.tests.unit.module_args import patch_module_args


@pytest.fixture
def run_module(capsys, request):
    def run(args):
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                request.module.MODULE.main()
        return json.loads(capsys.readouterr().out)

    return run


@pytest.fixture
def connection(server, monkeypatch, tmp_path, request):
    """Connection options pointing at the server, with the test file's SECRET and no credentials file."""
    monkeypatch.setenv('HUAWEICLOUD_SDK_CREDENTIALS_FILE', str(tmp_path / 'none'))
    return dict(endpoint=server.url, project_id='proj', access_key='AK', secret_key=request.module.SECRET)
