# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""galaxy.yml, meta/runtime.yml, the docs site's links and the tested versions agree; the tarball ships
nothing that tools leave in a checkout."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys
import tarfile

import ansible
import yaml

from tools import matrix

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def load(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_galaxy_links_are_the_repository_of_the_docs_edit_link():
    galaxy = load('galaxy.yml')
    repository = 'https://github.com/' + load('docs', 'docsite', 'links.yml')['edit_on_github']['repository']
    assert galaxy['repository'] == galaxy['homepage'] == repository
    assert galaxy['issues'] == repository + '/issues'
    assert galaxy['documentation'].startswith(repository + '/')
    assert {'cloud', 'huawei', 'workspace'} <= set(galaxy['tags'])


def leg_version(leg):
    return tuple(int(part) for part in re.fullmatch(r'ansible-core==(\d+)\.(\d+)\.\*', matrix.LEGS[leg][0]).groups())


def test_requires_ansible_is_the_oldest_tested_ansible_core():
    oldest = '%d.%d' % leg_version(matrix.OLDEST)
    assert load('meta', 'runtime.yml')['requires_ansible'] == '>=%s.0' % oldest
    with open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8') as handle:
        assert 'ansible-core>=%s\n' % oldest in handle.read()


def test_every_minor_version_from_the_oldest_to_the_newest_is_a_leg_on_a_python_it_supports():
    """One leg per ansible-core minor version, in order, each named by its version and pinned to it, each on a
    Python that version's controller supports (ansible-core's own python_requires)."""
    pinned = [leg for leg in matrix.LEGS if leg != matrix.NEWEST]
    versions = [leg_version(leg) for leg in pinned]
    assert pinned == ['%d.%d' % version for version in versions] and pinned[0] == matrix.OLDEST
    assert versions == [(2, minor) for minor in range(versions[0][1], versions[0][1] + len(versions))]
    assert tuple(int(part) for part in ansible.__version__.split('.')[:2]) > versions[-1]
    controller_pythons = {(2, 16): range(10, 13), (2, 17): range(10, 13), (2, 18): range(11, 14),
                          (2, 19): range(11, 14), (2, 20): range(12, 15)}  # Python 3.<minor>
    for leg, version in zip(pinned, versions):
        assert all(int(python.split('.')[1]) in controller_pythons[version] for python in matrix.LEGS[leg][1]), leg


def test_make_test_runs_on_the_newest_leg():
    """tests/release runs in .venv only: the newest leg's Python."""
    assert '%d.%d' % sys.version_info[:2] in matrix.LEGS[matrix.NEWEST][1]


def test_a_leg_installs_its_pinned_ansible_core_and_no_other_requirement_of_it():
    assert all(not re.match(r'ansible[-_.]core\b', line, flags=re.I) for line in matrix.requirements_besides_core())
    assert {'requests>=2.25', 'pytest>=7'} <= set(matrix.requirements_besides_core())


def test_tool_output_in_a_checkout_is_neither_committed_nor_shipped(tmp_path):
    left_behind = ['.ansible/collections/ansible_collections/hwcloud/workspace/galaxy.yml',
                   'changelogs/.plugin-cache.yaml', '.build/dist/old.tar.gz', '.venv/bin/python',
                   'plugins/modules/__pycache__/export_task_info.cpython-313.pyc']
    ignored = subprocess.run(['git', 'check-ignore', '--no-index'] + left_behind, cwd=ROOT,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    assert sorted(ignored) == sorted(left_behind)

    # A copy of the committed files, plus what lint, antsibull-changelog and the tests leave behind.
    checkout = tmp_path / 'checkout'
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout.split(b'\0')
    for name in filter(None, (name.decode() for name in files)):
        if os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.dirname(str(checkout / name)), exist_ok=True)
            shutil.copyfile(os.path.join(ROOT, name), str(checkout / name))
    for name in left_behind:
        os.makedirs(os.path.dirname(str(checkout / name)), exist_ok=True)
        (checkout / name).write_text('left behind\n')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), str(checkout)],
                   check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(str(next(tmp_path.glob('hwcloud-workspace-*.tar.gz')))) as archive:
        shipped = archive.getnames()
    unwanted = ('.ansible', '.build', '.venv', '.ci', 'changelogs/.plugin-cache.yaml', 'tools', 'benchmarks', 'inventory',
                'tests/integration', 'tests/emulator', 'tests/release', 'Makefile', 'pytest.ini')
    assert [name for name in shipped if name.startswith(unwanted) or name.endswith('.pyc')] == []
    assert {'meta/execution-environment.yml', 'meta/ee-requirements.txt', 'CHANGELOG.rst', 'changelogs/changelog.yaml',
            'plugins/lookup/export_tasks.py', 'roles/wait_for_exports/meta/argument_specs.yml'} <= set(shipped)


def version(text):
    return tuple(int(part) for part in str(text).split('.'))


def test_the_version_follows_semver_and_every_version_added_agrees():
    """A breaking change since the last release means a new major version; what is new is added in this version."""
    galaxy = version(load('galaxy.yml')['version'])
    released = [version(name) for name in load('changelogs', 'changelog.yaml')['releases']]
    fragments = [load('changelogs', 'fragments', name) for name in os.listdir(os.path.join(ROOT, 'changelogs', 'fragments'))]
    assert galaxy > max(released)
    if any(fragment.get('breaking_changes') or fragment.get('removed_features') for fragment in fragments):
        assert galaxy[0] > max(released)[0] and galaxy[1:] == (0, 0)
    from ansible_collections.hwcloud.workspace.plugins.module_utils._client import COLLECTION_VERSION
    assert version(COLLECTION_VERSION) == galaxy
    documented = subprocess.run(['git', 'grep', '-h', '-o', r'version_added: *[0-9.]*', '--', 'plugins', 'roles'],
                                cwd=ROOT, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split('\n')
    added = set(version(line.split(':')[1].strip()) for line in documented if line.strip())
    assert added <= set(released) | {galaxy}, added


def test_ansible_doc_renders_no_escaped_markup():
    """A C() with an escaped parenthesis renders as `http(s\\'://...`: every page must read as written."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'), ANSIBLE_NOCOLOR='1')
    for name in ('export_task_info', 'export_task', 'export_file', 'wait_for_exports'):
        page = subprocess.run([os.path.join(BIN, 'ansible-doc'), 'hwcloud.workspace.' + name], env=env, check=True,
                              stdout=subprocess.PIPE, universal_newlines=True).stdout
        assert "\\'" not in page and '\\)' not in page and 'http(s' not in page.replace('http(s) ', ''), name
