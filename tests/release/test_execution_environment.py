# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the shipped execution-environment material says, without a container engine: the collection's metadata for
ansible-builder's introspection (meta/execution-environment.yml), and the example definitions and navigator settings
(extensions/ee). Building and running them with podman is make ee-test's (tests/ee)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import yaml

from tools import ee

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def requirement_names(lines):
    return {re.split(r'[<>=!~;\s\[]', line.strip(), maxsplit=1)[0].lower()
            for line in lines if line.strip() and not line.strip().startswith('#')}


def test_declared_python_dependencies_are_the_controller_requirements_without_ansible_core():
    definition = load('meta', 'execution-environment.yml')
    assert set(definition['dependencies']) == {'python'}  # no system package is needed
    with open(os.path.join(ROOT, definition['dependencies']['python'])) as handle:
        declared = requirement_names(handle)
    with open(os.path.join(ROOT, 'requirements.txt')) as handle:
        controller = requirement_names(handle)
    assert declared == controller - {'ansible-core'} == {'requests', 'jmespath'}


def test_the_definitions_install_the_collection_tarball_on_one_base_image():
    definitions = [load('extensions', 'ee', name) for name in ('execution-environment.yml', 'decision-environment.yml')]
    for definition in definitions:
        assert definition['version'] == 3
        assert definition['additional_build_files'] == [{'src': ee.TARBALL_NAME, 'dest': 'collections'}]
        assert definition['dependencies']['galaxy'] == {
            'collections': [{'name': 'collections/' + ee.TARBALL_NAME, 'type': 'file'}]}
        # The collection's own needs come from its metadata, by introspection, not from a copy here.
        assert not {'requests', 'jmespath'} & requirement_names(definition['dependencies'].get('python', []))
    execution, decision = definitions
    assert execution['images'] == decision['images'] and ee.base_image_name() == execution['images']['base_image']['name']
    assert 'python' not in execution['dependencies'] and 'additional_build_steps' not in execution
    assert requirement_names(decision['dependencies']['python']) == {'ansible-rulebook'}
    assert 'openjdk-17-jre-headless' in ' '.join(decision['additional_build_steps']['prepend_final'])


def test_the_navigator_settings_pass_what_the_credential_type_injects():
    settings = load('extensions', 'ee', 'ansible-navigator.yml')['ansible-navigator']['execution-environment']
    credential_type = load('extensions', 'aap', 'credential_type.yml')
    assert settings['environment-variables']['pass'] == list(credential_type['injectors']['env'])
    assert settings['image'] == ee.EE_TAG
