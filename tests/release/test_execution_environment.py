# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""An execution environment built from the collection tarball gets requests and jmespath.

`ansible-builder create` writes the build context; the image build then installs the collections of the
context's requirements.yml and runs the context's introspect.py over them. Both steps are replayed here
without a container engine, exactly as the context's Containerfile runs them, so the requirements the
image would install are the ones meta/execution-environment.yml declares.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def requirement_names(lines):
    return {re.split(r'[<>=!~;\s\[]', line.strip(), maxsplit=1)[0].lower()
            for line in lines if line.strip() and not line.strip().startswith('#')}


def test_declared_python_dependencies_are_the_controller_requirements_without_ansible_core():
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml')) as handle:
        definition = yaml.safe_load(handle)
    assert set(definition['dependencies']) == {'python'}  # no system package is needed
    with open(os.path.join(ROOT, definition['dependencies']['python'])) as handle:
        declared = requirement_names(handle)
    with open(os.path.join(ROOT, 'requirements.txt')) as handle:
        controller = requirement_names(handle)
    assert declared == controller - {'ansible-core'} == {'requests', 'jmespath'}


def test_ansible_builder_context_from_the_built_collection_installs_requests_and_jmespath(tmp_path):
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), ROOT],
                   check=True, stdout=subprocess.DEVNULL)
    tarball = os.path.basename(glob.glob(str(tmp_path / 'hwcloud-workspace-*.tar.gz'))[0])
    definition = {
        'version': 3,
        'images': {'base_image': {'name': 'quay.io/ansible/ansible-runner:latest'}},
        'additional_build_files': [{'src': tarball, 'dest': 'collections'}],
        'dependencies': {'galaxy': {'collections': [{'name': 'collections/' + tarball, 'type': 'file'}]}},
    }
    (tmp_path / 'execution-environment.yml').write_text(yaml.safe_dump(definition))

    subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '--file', 'execution-environment.yml',
                    '--context', 'context'], cwd=str(tmp_path), check=True, stdout=subprocess.DEVNULL)
    build = tmp_path / 'context' / '_build'
    assert (build / 'collections' / tarball).is_file()
    containerfile = (tmp_path / 'context' / 'Dockerfile').read_text()
    assert 'ansible-galaxy collection install' in containerfile and 'introspect.py introspect' in containerfile

    # The image's galaxy stage (in /build) and builder stage, without the container. The image has no other
    # collections path, so the checkout that the tests put on ANSIBLE_COLLECTIONS_PATH must not count.
    installed = tmp_path / 'share'
    environment = {name: value for name, value in os.environ.items() if not name.startswith('ANSIBLE_COLLECTIONS_PATH')}
    environment['ANSIBLE_COLLECTIONS_PATH'] = str(installed)
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-r', 'requirements.yml',
                    '--collections-path', str(installed)], cwd=str(build), env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    assert (installed / 'ansible_collections' / 'hwcloud' / 'workspace' / 'meta' / 'execution-environment.yml').is_file()
    requirements = tmp_path / 'requirements.txt'
    subprocess.run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(installed),
                    '--write-pip', str(requirements)], check=True, stdout=subprocess.DEVNULL)
    lines = requirements.read_text().splitlines()
    assert requirement_names(lines) == {'requests', 'jmespath'}
    assert all('hwcloud.workspace' in line for line in lines if line.strip()), lines
