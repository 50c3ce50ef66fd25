# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How the controller-side plugins (lookup, action) turn any exception into a message for a person."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import scrub


def failure(exc, secrets):
    """(message, result fields) for exc, with every secret masked and never a traceback.

    A WorkspaceError says what went wrong in its own words and may carry result fields; anything else
    is unexpected, so its type is named to make a report useful.
    """
    if isinstance(exc, WorkspaceError):
        return scrub(to_native(exc), secrets), exc.as_result()
    return scrub('Unexpected error (%s): %s' % (type(exc).__name__, to_native(exc)), secrets), {}
