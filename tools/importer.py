# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make importer`: galaxy-importer on the collection tarball, failing on any warning or error.

galaxy-importer is configured by tests/release/galaxy-importer.cfg: everything Galaxy runs (ansible-doc,
ansible-lint, flake8, the changelog and tag checks) except ansible-test in a container image, which needs a
container engine and a registry (ansible-test sanity runs in `make sanity` instead).
"""

import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DIST = os.path.join(ROOT, '.build', 'importer')
CONFIG = os.path.join(ROOT, 'tests', 'release', 'galaxy-importer.cfg')
# galaxy-importer logs INFO lines bare and every other level as "LEVEL: message".
PROBLEM = re.compile(r'^(WARNING|ERROR|CRITICAL):')


def main():
    shutil.rmtree(DIST, ignore_errors=True)
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', DIST, ROOT],
                   check=True, stdout=subprocess.DEVNULL)
    tarball = glob.glob(os.path.join(DIST, 'hwcloud-workspace-*.tar.gz'))[0]
    environment = dict(os.environ, GALAXY_IMPORTER_CONFIG=CONFIG, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    # cwd: galaxy-importer writes importer_result.json there.
    completed = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', tarball], env=environment, cwd=DIST,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    print(completed.stdout, end='')
    problems = [line for line in completed.stdout.splitlines() if PROBLEM.match(line)]
    if completed.returncode or problems:
        print('galaxy-importer: exit status %d, %d warning(s) or error(s)' % (completed.returncode, len(problems)),
              file=sys.stderr)
        return 1
    print('galaxy-importer: %s imports with no warning' % os.path.basename(tarball))
    return 0


if __name__ == '__main__':
    sys.exit(main())
