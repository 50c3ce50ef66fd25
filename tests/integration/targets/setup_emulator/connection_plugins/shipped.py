# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: the local connection under another name, so that action plugins ship modules as to a remote host."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.connection import local

DOCUMENTATION = local.DOCUMENTATION.replace('name: local', 'name: shipped', 1)


class Connection(local.Connection):
    transport = 'shipped'
