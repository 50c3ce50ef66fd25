# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run `ansible-test sanity` on the collection as it ships, with no ignore file.

ansible-test needs the collection at ansible_collections/hwcloud/workspace/ in a git work tree, so the
built tarball is unpacked there under .build/sanity-coreX.Y-pyX.Y/ and committed. Its venvs bootstrap pip with a script downloaded from a host that these
machines cannot reach; when that script is not cached yet, a stand-in built on ensurepip is cached instead.
"""

import glob
import os
import shutil
import subprocess
import sys
import tarfile
import types

from ansible.release import __version__ as ansible_version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, '.build')
BIN = os.path.dirname(sys.executable)

GET_PIP_STAND_IN = '''\
"""Stand-in for get-pip.py (written by hwcloud.workspace's tools/sanity.py): pip from ensurepip, then pip install."""
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap()
os.environ.pop('PIP_CONFIG_FILE', None)  # ensurepip points it at an empty file
arguments = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + arguments))
'''


def seed_get_pip():
    from ansible_test._internal.python_requirements import get_venv_packages  # pylint: disable=import-error

    version = get_venv_packages(types.SimpleNamespace(version='%d.%d' % sys.version_info[:2]))['pip']
    path = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            handle.write(GET_PIP_STAND_IN)
        print('seeded %s' % path)


def unpack_collection():
    # One folder per ansible-core and Python: make test runs the oldest leg's sanity beside the newest leg's.
    core = '.'.join(ansible_version.split('.')[:2])
    work = os.path.join(BUILD, 'sanity-core%s-py%d.%d' % ((core,) + sys.version_info[:2]))
    dist = os.path.join(work, 'dist')
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', dist, ROOT],
                   check=True, stdout=subprocess.DEVNULL)
    target = os.path.join(work, 'ansible_collections', 'hwcloud', 'workspace')
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    with tarfile.open(glob.glob(os.path.join(dist, 'hwcloud-workspace-*.tar.gz'))[0]) as archive:
        archive.extractall(target, filter='data')
    # ansible-test finds the files to test through git.
    git = ['git', '-c', 'user.name=sanity', '-c', 'user.email=sanity@localhost']
    for command in (['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'collection as built']):
        subprocess.run(git + command, cwd=target, check=True)
    return target


def main():
    seed_get_pip()
    target = unpack_collection()
    python = '%d.%d' % sys.version_info[:2]
    command = [os.path.join(BIN, 'ansible-test'), 'sanity', '--local', '--python', python, '--color', 'no'] + sys.argv[1:]
    environment = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    return subprocess.call(command, cwd=target, env=environment)


if __name__ == '__main__':
    sys.exit(main())
