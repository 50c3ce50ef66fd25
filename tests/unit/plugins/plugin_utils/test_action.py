# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""ControllerAction (plugin_utils/_action.py) on the real ActionBase of this leg's ansible-core, with a stub task,
connection and play context, and an operation of the test's own: which path it takes, and what a result computed
in the controller holds (validation, masking, invocation, facts, the task's environment)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
from types import SimpleNamespace

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import connection_argument_spec
from ansible_collections.hwcloud.workspace.plugins.plugin_utils import _compat
from ansible_collections.hwcloud.workspace.plugins.plugin_utils._action import ControllerAction

SECRET = 'stub-secret-value-0123'


class Operation:
    """A module_utils operation: one option, a result that repeats the environment and may quote the secret."""

    calls = []

    @staticmethod
    def argument_spec():
        return {'mode': {'type': 'str', 'choices': ['ok', 'fail', 'facts'], 'default': 'ok'}}

    @staticmethod
    def module_kwargs():
        return {'supports_check_mode': True}

    @classmethod
    def run(cls, module):
        cls.calls.append(module.params['mode'])
        if module.params['mode'] == 'fail':
            module.fail_json(msg='the server refused %s' % SECRET)
        if module.params['mode'] == 'facts':
            return {'ansible_facts': {'stub_fact': 1}}
        return {'seen': os.environ.get('STUB_VARIABLE'), 'check_mode': module.check_mode}


class Action(ControllerAction):
    operation = Operation

    def __init__(self, *args, **kwargs):
        super(Action, self).__init__(*args, **kwargs)
        self.shipped = []
        self.registered = []

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                        delete_remote_tmp=None, wrap_async=False, **kwargs):
        self.shipped.append(wrap_async)
        return {'shipped': True}

    def register_host_variables(self, variables, layer=None):
        self.registered.append((variables, layer, self._supports_async))


def action(args=None, transport='local', async_val=0, become=False, native_async=False, environment=None):
    task = SimpleNamespace(args=dict(args or {}), action='hwcloud.workspace.stub', async_val=async_val, check_mode=False,
                           diff=False, environment=environment)
    connection = SimpleNamespace(transport=transport, has_native_async=native_async,
                                 _shell=SimpleNamespace(tmpdir=None, env_prefix=lambda **kwargs: ''))
    return Action(task, connection, SimpleNamespace(become=become), DataLoader(), Templar(loader=DataLoader()), None)


def connection_args(**args):
    return dict(args, endpoint='https://127.0.0.1:9', project_id='proj', access_key='AK', secret_key=SECRET)


@pytest.fixture(autouse=True)
def fresh_calls():
    Operation.calls = []


def test_over_a_local_connection_the_operation_runs_here_with_the_tasks_environment():
    instance = action(connection_args(), environment=[{'STUB_VARIABLE': 'from the task'}])
    result = instance.run(task_vars={'ansible_inject_invocation': True})
    assert Operation.calls == ['ok'] and instance.shipped == []
    assert result['seen'] == 'from the task' and 'STUB_VARIABLE' not in os.environ
    assert result['changed'] is False and result['check_mode'] is False
    assert result['invocation']['module_args']['secret_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['invocation']['module_args']['mode'] == 'ok'


@pytest.mark.parametrize('case', [dict(transport='ssh'), dict(become=True), dict(async_val=30)])
def test_another_connection_become_or_async_ship_the_module(case):
    instance = action(connection_args(), **case)
    assert instance.run(task_vars={}) == {'shipped': True}
    assert Operation.calls == []
    # async without the connection's own async: core's async wrapper around the shipped module
    assert instance.shipped == [bool(case.get('async_val'))]


def test_async_over_a_connection_with_native_async_is_not_wrapped():
    instance = action(connection_args(), transport='ssh', async_val=30, native_async=True)
    instance.run(task_vars={})
    assert instance.shipped == [False]


def test_a_failure_is_masked_and_scrubbed_of_the_secret():
    result = action(connection_args(mode='fail')).run(task_vars={})
    assert result['failed'] is True and result['msg'] == 'the server refused ********'
    assert SECRET not in repr(result)


def test_a_bad_choice_fails_naming_the_option_before_the_operation_runs():
    result = action(connection_args(mode='loud')).run(task_vars={})
    assert result['failed'] is True and 'mode' in result['msg'] and 'ok, fail, facts' in result['msg']
    assert Operation.calls == []


@pytest.mark.parametrize('secret', [['a', 'k'], {'key': 'value'}])
def test_a_secret_given_as_a_list_or_dict_is_refused_on_both_paths_without_its_value(secret):
    for transport in ('local', 'ssh'):
        instance = action(dict(connection_args(), secret_key=secret), transport=transport)
        result = instance.run(task_vars={})
        assert result['failed'] is True
        assert result['msg'] == 'secret_key must be a string, not a list or a dictionary (the value is not shown)'
        assert instance.shipped == [] and Operation.calls == []


def test_facts_become_host_variables_where_core_asks_for_it_never_under_async():
    instance = action(connection_args(mode='facts'))
    result = instance.run(task_vars={})
    assert result['ansible_facts'] == {'stub_fact': 1}
    if _compat.VariableLayer is None:
        assert instance.registered == []
    else:
        assert [(variables, supports_async) for variables, _layer, supports_async in instance.registered] == \
            [({'stub_fact': 1}, False)] * 2
    shipped = action(connection_args(mode='facts'), async_val=30)
    shipped.run(task_vars={})
    assert shipped.registered == []


def test_the_controller_validates_the_connection_options_as_the_module_does():
    result = action(dict(connection_args(), timeout='soon')).run(task_vars={})
    assert result['failed'] is True and 'timeout' in result['msg']
    assert 'Str' not in result['msg'] and 'Unicode' not in result['msg']  # no class name of core's strings
    assert Operation.calls == []


def test_every_connection_option_is_validated_and_masked_in_the_invocation():
    result = action(connection_args()).run(task_vars={'ansible_inject_invocation': True})
    assert set(connection_argument_spec()) | {'mode'} == set(result['invocation']['module_args'])
