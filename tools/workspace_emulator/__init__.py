# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""A local emulator of the Huawei Cloud Workspace export-task API, for tests and demos.

Run it with ``python -m tools.workspace_emulator`` from the repository root; see README.md beside this file.
"""

# Demo credentials: documented, never valid anywhere but here.
DEFAULT_ACCESS_KEY = 'EMULATORACCESSKEY0001'
DEFAULT_SECRET_KEY = 'emulator-secret-key-do-not-use'
DEFAULT_TOKEN = 'emulator-token'
DEFAULT_REGION = 'cn-north-4'
DEFAULT_PROJECT_ID = '0e1d2c3b4a5968778695a4b3c2d1e0f1'
DEFAULT_DOMAIN_ID = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf'
