# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller validates the arguments a shipped module would receive: plain strings, whatever str subclass
the templar of this ansible-core hands over, so that no message names such a class."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WAIT_ARG_SPEC
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action_module import (
    ControllerModule,
    ModuleExit,
    plain_values,
)


class _AnsibleTaggedStr(str):
    """Stands for the templar's str subclass (AnsibleUnicode before 2.19)."""


def test_plain_values_makes_every_string_a_plain_str():
    values = plain_values({_AnsibleTaggedStr('key'): [_AnsibleTaggedStr('a'), (1, {'b': _AnsibleTaggedStr('c')})]})
    assert values == {'key': ['a', [1, {'b': 'c'}]]}
    assert all(value.__class__ is str for value in (list(values)[0], values['key'][0], values['key'][1][1]['b']))


def test_a_word_for_a_number_of_seconds_fails_without_naming_a_str_subclass():
    with pytest.raises(ModuleExit) as caught:
        ControllerModule('hwcloud.workspace.wait_for_exports', WAIT_ARG_SPEC,
                         {'wait_timeout': _AnsibleTaggedStr('soon')})
    message = caught.value.result['msg']
    assert 'wait_timeout' in message and 'float' in message
    assert '_AnsibleTaggedStr' not in message
