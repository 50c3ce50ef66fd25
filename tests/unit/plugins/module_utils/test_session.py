# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A front end's session without an AnsibleModule: one spec checked by ansible-core's ArgumentSpecValidator, the
connection options' environment variables read from the environment given, and an open Workspace."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils import _session
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection_options import CONNECTION_ENV
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError

OPTIONS = dict(interval=dict(type='float', default=30.0), initial=dict(type='bool', default=False),
               since=dict(type='str'))


def test_the_spec_is_the_connection_spec_with_the_options():
    spec = _session.argument_spec(OPTIONS, {})
    assert set(spec) == set(CONNECTION_ENV) | {'validate_certs', 'timeout', 'retries', 'concurrency'} | set(OPTIONS)


def test_environment_variables_come_from_the_environment_given_the_first_set_wins():
    environ = {'HUAWEICLOUD_SDK_AK': '', 'HW_ACCESS_KEY': 'SECONDAK', 'HUAWEICLOUD_SDK_REGION': 'xx-1',
               'HW_REGION_NAME': 'xx-2'}
    params = _session.validate(_session.argument_spec(OPTIONS, environ), {'interval': '5', 'region': None})
    assert params['access_key'] == 'SECONDAK' and params['region'] == 'xx-1'
    assert params['interval'] == 5.0 and params['initial'] is False and params['validate_certs'] is True
    given = _session.validate(_session.argument_spec(OPTIONS, environ), {'region': 'given-1'})
    assert given['region'] == 'given-1'


def test_every_message_at_once_naming_the_options():
    with pytest.raises(WorkspaceConfigError) as failed:
        _session.validate(_session.argument_spec(OPTIONS, {}), {'intervall': 1, 'initial': 'maybe', 'since': '2h'},
                          mutually_exclusive=[['initial', 'since']])
    message = str(failed.value)
    assert message.startswith('unknown option(s) intervall; the options are access_key, auth_token, ca_path, ')
    assert 'parameters are mutually exclusive: initial|since' in message
    assert "argument 'initial' is of type str and we were unable to convert to bool" in message


# Each message as every supported ansible-core gives it after plain_type_names: its own words name the value's
# class, quote the value, or list the booleans in a set's order, differently from one version to the next.
@pytest.mark.parametrize('spec, value, message', [
    (dict(type='int'), 'many', "argument 'option' is of type str and we were unable to convert to int: str cannot be "
                               "converted to an int"),
    (dict(type='int'), 1.5, "argument 'option' is of type float and we were unable to convert to int: float cannot be "
                            "converted to an int"),
    (dict(type='float'), 'soon', "argument 'option' is of type str and we were unable to convert to float: str cannot "
                                 "be converted to a float"),
    (dict(type='bool'), 'maybe', "argument 'option' is of type str and we were unable to convert to bool: The value "
                                 "'maybe' is not a valid boolean. Valid booleans include: '1', 'on', 't', 'true', 'y', "
                                 "'yes', 1, '0', 'f', 'false', 'n', 'no', 'off', 0"),
    (dict(type='list', elements='int'), ['a'], "Elements value for option 'option' is of type str and we were unable "
                                               "to convert to int: str cannot be converted to an int"),
    (dict(type='dict'), [1], "argument 'option' is of type list and we were unable to convert to dict: list cannot be "
                             "converted to a dict"),
    (dict(type='dict'), 'x', "argument 'option' is of type str and we were unable to convert to dict: dictionary "
                             "requested, could not parse JSON or key=value"),
])
def test_a_value_of_the_wrong_type_fails_in_the_same_words_on_every_core(spec, value, message):
    with pytest.raises(WorkspaceConfigError) as failed:
        _session.validate(dict(option=spec), {'option': value})
    assert str(failed.value) == message


def test_connect_resolves_the_connection_and_hands_its_warnings_over(tmp_path):
    profile = tmp_path / 'credentials'
    profile.write_text('[basic]\nak = PROFILEAK\nsk = profile-secret\n')
    profile.chmod(0o644)
    environ = {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(profile)}
    params = _session.validate(_session.argument_spec({}, environ),
                               {'endpoint': 'http://127.0.0.1:1', 'project_id': 'proj'})
    warnings = []
    with _session.session(params, warnings.append, environ) as workspace:
        assert workspace.project_id == 'proj' and workspace.connection.access_key == 'PROFILEAK'
    assert len(warnings) == 1 and 'readable by group or others' in warnings[0]
