# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: the local connection under another name, so that action plugins ship modules as to a remote host.

Here, in a role on which every integration target depends, ansible-playbook finds it for the targets' shipped path
(tools/ansible_test.py); tests/integration/connection_plugins links to it for the pytest end-to-end tests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.connection import local

DOCUMENTATION = local.DOCUMENTATION.replace('name: local', 'name: shipped', 1)


class Connection(local.Connection):
    transport = 'shipped'
