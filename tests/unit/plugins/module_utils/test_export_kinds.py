# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every hand-written list of kinds and parameters is held to the kinds' declaration (_export_kinds.KINDS): the
module's choices and per-kind prose, the role's argument specs, defaults and README, the guide and the README."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import OPERATIONS as API_OPERATIONS
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_kinds import (
    DEFAULT_LANGUAGE,
    KINDS,
    NO_LANGUAGE,
    REQUIRED_LANGUAGE,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._operations.export_task import argument_spec
from ansible_collections.hwcloud.workspace.plugins.modules import export_task

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'export_and_download')
TYPE_WORDS = {'list': 'list', 'bool': 'bool', 'int': 'integer'}


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding='utf-8') as handle:
        return handle.read()


def value_list(values):
    return ', '.join('V(%s)' % value for value in values)


def parameter_prose(parameter):
    """How the module's documentation describes one parameter."""
    details = []
    if parameter.required:
        details.append('required')
    if parameter.kind in TYPE_WORDS:
        details.append(TYPE_WORDS[parameter.kind] + (' >= %d' % parameter.minimum if parameter.minimum is not None else ''))
    if parameter.max_items is not None:
        details.append('at most %d items' % parameter.max_items)
    if parameter.choices:
        details.append(value_list(parameter.choices))
    if parameter.max_length is not None:
        details.append('%d to %d characters: %s' % (parameter.min_length or 0, parameter.max_length, parameter.pattern[1]))
    if parameter.time == 'utc':
        details.append('UTC, like V(2026-11-28T09:30:00Z)')
    elif parameter.time == 'iso8601':
        details.append('ISO 8601, like V(2015-08-27T09:49:58-05:00)')
    if parameter.in_path:
        details.append('in the path, not V(.) or V(..)')
    if parameter.note:
        details.append(parameter.note)
    return 'C(%s)' % parameter.name + (' (%s)' % '; '.join(details) if details else '')


def kind_prose(declaration):
    """The module documentation's entry for one kind: its operation, every parameter, its rules, its language."""
    parameters = ', '.join(parameter_prose(parameter) for parameter in declaration.parameters.values())
    sentences = ['V(%s) (C(%s)): %s.' % (declaration.kind, declaration.name, parameters)]
    sentences += ['C(%s) and C(%s) go together.' % pair for pair in declaration.pairs]
    sentences += ['C(%s) not below C(%s).' % (high, low) for low, high in declaration.ordered]
    if declaration.max_range_days:
        sentences.append('C(start_time) to C(end_time) at most %d days.' % declaration.max_range_days)
    if declaration.within_days:
        sentences.append('C(start_time) within the last %d days.' % declaration.within_days)
    sentences.append({
        REQUIRED_LANGUAGE: 'O(language) required by the API: V(%s) when unset.' % DEFAULT_LANGUAGE,
        'optional': 'O(language) optional.',
        NO_LANGUAGE: 'No O(language).',
    }[declaration.language])
    return ' '.join(sentences)


def module_options():
    return yaml.safe_load(export_task.DOCUMENTATION)['options']


def test_the_kinds_are_the_modules_choices():
    assert module_options()['kind']['choices'] == list(KINDS)
    assert argument_spec()['kind']['choices'] == list(KINDS)


def test_the_module_documents_each_kind_as_declared():
    documented = [entry for entry in module_options()['parameters']['description'] if entry.startswith('V(')]
    assert documented == [kind_prose(declaration) for declaration in KINDS.values()], \
        'the per-kind entries of export_task parameters must read:\n' + '\n'.join(
            '      - "%s"' % kind_prose(declaration) for declaration in KINDS.values())


def test_the_module_documents_the_language_of_each_kind():
    def kinds_with(language):
        return ', '.join('V(%s)' % kind for kind, declaration in KINDS.items() if declaration.language == language)

    assert module_options()['language']['description'][1:] == [
        'Required by the API, so always sent, V(%s) when unset: %s.' % (DEFAULT_LANGUAGE, kinds_with(REQUIRED_LANGUAGE)),
        "Optional, sent only when set (the service's default, English, applies otherwise): %s." % kinds_with('optional'),
        'Not taken (setting it fails): %s.' % kinds_with(NO_LANGUAGE),
    ]


def test_the_api_table_holds_every_kind_as_a_start_never_repeated():
    for declaration in KINDS.values():
        operation = API_OPERATIONS[declaration.name]
        assert (operation.method, operation.path, operation.idempotent) == (declaration.method, declaration.path, False)


def test_the_roles_argument_specs_offer_every_kind_and_language():
    options = yaml.safe_load(read('roles', 'export_and_download', 'meta', 'argument_specs.yml'))['argument_specs']['main']['options']
    assert options['export_and_download_kind']['choices'] == list(KINDS)
    assert options['export_and_download_language']['choices'] == module_options()['language']['choices']


def kinds_named_in(text):
    return [kind for kind in KINDS if re.search(r'\b%s\b' % kind, text)]


@pytest.mark.parametrize('path, marker', [
    (('roles', 'export_and_download', 'defaults', 'main.yml'), '# What to export:'),
    (('roles', 'export_and_download', 'README.md'), '| `export_and_download_kind` |'),
])
def test_the_roles_lists_of_kinds_name_every_kind(path, marker):
    lines = read(*path).splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(marker))
    block = []  # the marked line and those that go on with its sentence (or table row)
    for line in lines[start:]:
        block.append(line)
        if line.rstrip().endswith(('.', '|')):
            break
    assert kinds_named_in(' '.join(block)) == list(KINDS)


@pytest.mark.parametrize('path', [('README.md',), ('docs', 'docsite', 'rst', 'guide_export_tasks.rst')])
def test_the_guides_name_every_kind_and_its_operation(path):
    text = read(*path)
    for declaration in KINDS.values():
        assert re.search(r'\b%s\b' % declaration.kind, text) and declaration.name in text, (path, declaration.kind)
