# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one scrubber: every message that leaves module_utils goes through scrub() with the run's secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import unicodedata
from collections.abc import Mapping

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import SECRET_OPTIONS

MASK = '********'
# Strings nested in a wrongly typed secret (a list, a dict) shorter than this are not masked: masking "a" or "k"
# everywhere would make every message unreadable, and such a fragment gives nothing away on its own.
MIN_NESTED_SECRET = 4


def _nested(value):
    if isinstance(value, str):
        return [value] if len(value.strip()) >= MIN_NESTED_SECRET else []
    if isinstance(value, Mapping):
        value = list(value.keys()) + list(value.values())
    if isinstance(value, (list, tuple, set)):
        return [text for item in value for text in _nested(item)]
    return []


def _strings(value):
    """The strings of value: itself; for a wrongly typed option (a list, a dict), the text it becomes as a string
    option and the strings nested in it."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (Mapping, list, tuple, set)):
        return [str(value)] + _nested(value)
    return []


def secret_values(options):
    """The secret values in options, as given and stripped.

    options is a mapping (module.params, a lookup's keywords or its hwcloud_workspace_<option> variables:
    any name ending in a secret option's name counts) or a Connection. Both forms of each value: a value
    from a YAML block scalar ends with a newline that the stripped value used on the wire does not have,
    and a message may quote either.
    """
    if isinstance(options, Mapping):
        given = [value for name, value in options.items()
                 if any(str(name) == secret or str(name).endswith('_' + secret) for secret in SECRET_OPTIONS)]
    else:
        given = [getattr(options, name, None) for name in SECRET_OPTIONS]
    values = set()
    for text in [text for value in given for text in _strings(value)]:
        values.update(form for form in (text, text.strip()) if form)
    return sorted(values, key=len, reverse=True)


def scrub(text, secrets):
    """text with every occurrence of each secret (and of its repr() form, as in "['TOKEN\\n']") masked."""
    text = str(text)
    for secret in secrets:
        text = text.replace(secret, MASK)
        quoted = repr(secret)[1:-1]  # what %r and a repr of a list show for a value with a newline
        if quoted != secret:
            text = text.replace(quoted, MASK)
    return text


def escape_controls(text):
    """text with control and format characters written as escapes (\\x1b, \\n, \\u202e): a line built from a
    server's text can then neither forge another line nor send a terminal sequence."""
    return ''.join(repr(char)[1:-1] if unicodedata.category(char) in ('Cc', 'Cf') else char for char in str(text))
