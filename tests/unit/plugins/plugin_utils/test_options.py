# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Options checked in the controller as AnsibleModule checks them: conversions, defaults, fallbacks, messages."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.hwcloud.workspace.plugins.plugin_utils._options import validate_options

SPEC = dict(
    token=dict(type='str', no_log=True, fallback=(env_fallback, ['FIRST_TOKEN', 'SECOND_TOKEN'])),
    count=dict(type='int', default=3),
    mode=dict(type='str', choices=['fast', 'slow']),
    left=dict(type='str'),
    right=dict(type='str'),
)


def test_converts_and_completes_like_a_module():
    params, error = validate_options('ns.col.mod', SPEC, dict(count='7'), {})
    assert error is None
    assert params == dict(token=None, count=7, mode=None, left=None, right=None)


def test_fallbacks_read_the_given_environment_not_the_process(monkeypatch):
    monkeypatch.setenv('FIRST_TOKEN', 'from-the-process')
    params, error = validate_options('ns.col.mod', SPEC, {}, dict(SECOND_TOKEN='from-the-task'))
    assert error is None and params['token'] == 'from-the-task'
    assert validate_options('ns.col.mod', SPEC, {}, dict(FIRST_TOKEN='one', SECOND_TOKEN='two'))[0]['token'] == 'one'


def test_an_explicit_null_keeps_the_fallback_away():
    params, error = validate_options('ns.col.mod', SPEC, dict(token=None), dict(FIRST_TOKEN='from-env'))
    assert error is None and params['token'] is None


def test_the_modules_messages():
    assert validate_options('ns.col.mod', SPEC, dict(mode='medium'), {})[1] == (
        'value of mode must be one of: fast, slow, got: medium')
    assert validate_options('ns.col.mod', SPEC, dict(colour='red'), {})[1].startswith(
        'Unsupported parameters for (ns.col.mod) module: colour. Supported parameters include:')
    assert validate_options('ns.col.mod', SPEC, dict(left='a', right='b'), {},
                            mutually_exclusive=[('left', 'right')])[1] == (
        'parameters are mutually exclusive: left|right')
    assert validate_options('ns.col.mod', SPEC, dict(left='a'), {}, required_together=[('left', 'right')])[1] == (
        'parameters are required together: left, right')
