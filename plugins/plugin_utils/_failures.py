# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the controller-side plugins (lookup, action) hand back: any exception as a message for a person, and any
result with the run's secrets masked."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible.module_utils.common.parameters import remove_values
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


def _mentions(data, secrets):
    """Whether any secret occurs anywhere in data (keys and values), found in one JSON text.

    Each secret is looked for as JSON writes it inside a string, so quotes and backslashes in it match too.
    """
    text = json.dumps(data, ensure_ascii=False, default=str)
    return any(json.dumps(secret, ensure_ascii=False)[1:-1] in text for secret in secrets)


def masked(data, secrets):
    """data (a result dict, a list of records) with the secrets masked wherever they occur, as AnsibleModule
    masks no_log values: booleans, numbers and None kept, also at the top of a dict.

    A server may echo a request's headers into a record (fail_reason, say): every front end hands back what it
    read through here. remove_values walks every value (long for ten thousand records), so it runs only when a
    secret is there.
    """
    if not secrets or not _mentions(data, secrets):
        return data
    masked_data = remove_values(data, set(secrets))
    if isinstance(data, dict):
        masked_data.update((name, value) for name, value in data.items() if value is None or isinstance(value, bool))
    return masked_data
