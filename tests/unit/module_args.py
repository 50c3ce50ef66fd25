# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""patch_module_args(args): an AnsibleModule created inside the block reads args, on every supported ansible-core
(2.19 added ansible.module_utils.testing for it; before, AnsibleModule read basic._ANSIBLE_ARGS)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

__all__ = ['patch_module_args']

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': dict(
            args, _ansible_remote_tmp='/tmp', _ansible_keep_remote_files=False)}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved
