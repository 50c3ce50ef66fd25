# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wait_for_exports: in the controller process over a local connection, otherwise the module on the target."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._operations import wait_for_exports
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action import ControllerAction


class ActionModule(ControllerAction):

    operation = wait_for_exports
