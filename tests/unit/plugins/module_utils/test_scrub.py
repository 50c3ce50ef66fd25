# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one scrubber: every secret option, as given and as used, is masked wherever a message quotes it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import string

import pytest

from hypothesis import given, strategies as st

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import MASK, SECRET_OPTIONS, scrub, secret_values

NO_PROFILE = {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': '/nonexistent/credentials'}


@pytest.mark.parametrize('option', SECRET_OPTIONS)
def test_each_secret_option_is_masked_as_given_and_stripped(option):
    options = {'access_key': 'AK-NOT-SECRET', 'region': 'r', option: '  secret-of-%s\n' % option}
    secrets = secret_values(options)
    for text in ('value secret-of-%s here' % option, "['  secret-of-%s\\n']" % option, repr(options)):
        scrubbed = scrub(text, secrets)
        assert 'secret-of' not in scrubbed and MASK in scrubbed
    assert scrub('AK-NOT-SECRET r', secrets) == 'AK-NOT-SECRET r'


@pytest.mark.parametrize('option', SECRET_OPTIONS)
def test_a_connection_gives_its_secrets_too(option):
    options = dict(region='r', access_key='AK', secret_key='sk-value') if option != 'auth_token' else dict(region='r')
    options[option] = 'connection-secret-%s' % option
    connection = resolve_connection(options, environ=NO_PROFILE)
    assert 'connection-secret-%s' % option in secret_values(connection)
    assert 'AK' not in secret_values(connection)


def test_no_secrets_means_the_text_unchanged():
    assert secret_values({'secret_key': None, 'auth_token': ''}) == []
    assert scrub('nothing to hide', []) == 'nothing to hide'


def test_a_longer_secret_is_masked_before_a_shorter_one_inside_it():
    secrets = secret_values({'secret_key': 'abc', 'auth_token': 'xxabcxx'})
    assert scrub('token xxabcxx and key abc', secrets) == 'token %s and key %s' % (MASK, MASK)


SECRET_TEXT = st.text(alphabet=string.ascii_letters + string.digits + '+/=-_.', min_size=4)
SURROUNDING = st.text(alphabet=' :,[]()\'"\n\\')


@given(first=SECRET_TEXT, inner=st.sampled_from(['', '\n', '\t', ' ']), last=SECRET_TEXT,
       padding=st.sampled_from(['', ' ', '\n', '  \n']), before=SURROUNDING, after=SURROUNDING,
       quoting=st.sampled_from([str, repr, lambda value: repr([value]), lambda value: '%r' % {'token': value}]))
def test_no_secret_survives_scrubbing(first, inner, last, padding, before, after, quoting):
    given_value = padding + first + inner + last + padding
    scrubbed = scrub(before + quoting(given_value) + after, secret_values({'auth_token': given_value}))
    assert first + inner + last not in scrubbed and repr(first + inner + last)[1:-1] not in scrubbed


def test_variables_named_after_a_secret_option_and_wrong_types_count():
    secrets = secret_values({'hwcloud_workspace_auth_token': ['listed-token'], 'auth_token': {'k': 'nested-token'},
                             'hwcloud_workspace_region': 'not-a-secret', 'access_key': 'also-not'})
    assert set(secrets) == {'listed-token', 'nested-token', "['listed-token']", "{'k': 'nested-token'}"}


def test_a_secret_given_as_a_list_of_characters_is_masked_whole_not_character_by_character():
    secrets = secret_values({'secret_key': list('s3cret-value')})
    assert scrub("secret_key is ['s', '3', 'c', 'r', 'e', 't', '-', 'v', 'a', 'l', 'u', 'e']: a list", secrets) == \
        'secret_key is %s: a list' % MASK
