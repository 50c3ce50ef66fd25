# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one scrubber: every message that leaves module_utils goes through scrub() with the run's secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections.abc import Mapping

SECRET_OPTIONS = ('secret_key', 'security_token', 'auth_token')
MASK = '********'


def secret_values(options):
    """The secret values of options (a mapping such as module.params, or a Connection), as given and stripped.

    Both forms: a value from a YAML block scalar ends with a newline that the stripped value used on the
    wire does not have, and a message may quote either.
    """
    values = set()
    for name in SECRET_OPTIONS:
        value = options.get(name) if isinstance(options, Mapping) else getattr(options, name, None)
        if isinstance(value, str):
            values.update(form for form in (value, value.strip()) if form)
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
