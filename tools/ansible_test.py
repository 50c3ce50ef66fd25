# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run `ansible-test units` or `ansible-test integration` on the checkout, with the venv that runs this.

    VENV/bin/python -m tools.ansible_test units [ANSIBLE-TEST OPTIONS]
    VENV/bin/python -m tools.ansible_test integration [TARGET ...] [ANSIBLE-TEST OPTIONS]

ansible-test wants the collection at ansible_collections/hwcloud/workspace/ in a git work tree, and the
built tarball has no integration targets (galaxy.yml build_ignore). So the checkout's files (tracked ones, and
untracked ones that git does not ignore, as they are in the work tree) are copied to
.build/ansible-test/ansible_collections/hwcloud/workspace and committed there; ansible-test runs in that copy
with --local, on this venv's Python. Nothing is downloaded: requirements are this venv's, and the pip bootstrap
script ansible-test may ask for is seeded as tools/sanity.py does.

For integration, one emulator (tools/workspace_emulator, a free port, short export delay) serves the whole run:
its URL, project and demo keys go to the targets in tests/integration/integration_config.yml, which ansible-test
gives every target as a vars file; the setup_emulator target (a dependency of the others) resets its settings
for each target. The emulator is stopped when ansible-test ends.
"""

import ast
import glob
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # run as a script: tools.sanity and tools.workspace_emulator

from tools.sanity import seed_get_pip  # noqa: E402  pylint: disable=wrong-import-position
from tools.workspace_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
COPY = os.path.join(ROOT, '.build', 'ansible-test', 'ansible_collections', 'hwcloud', 'workspace')
VARS_FILE = os.path.join('tests', 'integration', 'integration_config.yml')
# Seconds until a started export finishes: the targets that start exports and wait for them take about this long.
EXPORT_DELAY = '0.5'
# Two cores, and tests that mostly wait on local HTTP: as many workers as tools/matrix.py gives pytest.
UNIT_WORKERS = os.environ.get('PYTEST_WORKERS', '4')
GIT = ['git', '-c', 'user.name=ansible-test', '-c', 'user.email=ansible-test@localhost', '-c', 'commit.gpgsign=false']


def copy_checkout():
    """The work tree's files (not .git, nothing ignored) as a fresh git repository at COPY."""
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT, check=True,
                            stdout=subprocess.PIPE).stdout.decode('utf-8', 'surrogateescape').split('\0')
    shutil.rmtree(COPY, ignore_errors=True)
    for relative in sorted(set(path for path in listed if path)):
        source = os.path.join(ROOT, relative)
        if not os.path.lexists(source):  # deleted in the work tree, not yet in git
            continue
        destination = os.path.join(COPY, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    for command in (['init', '-q'], ['add', '-A'], ['commit', '-q', '--no-verify', '-m', 'the checkout, for ansible-test']):
        subprocess.run(GIT + command, cwd=COPY, check=True, stdout=subprocess.DEVNULL)


def integration_vars(emulator):
    """The variables every target gets: where the emulator is, and its demo credentials."""
    return {
        'emulator_url': emulator.url,
        'emulator_storage_url': emulator.storage_url,
        'emulator_project_id': emulator.project_id,
        'emulator_region': emulator.region,
        'emulator_access_key': emulator.access_key,
        'emulator_secret_key': emulator.secret_key,
        'emulator_token': emulator.token,
        'emulator_export_delay': float(EXPORT_DELAY),
        # The options of every module, for module_defaults of group/hwcloud.workspace.workspace.
        'emulator_connection': {
            'endpoint': emulator.url,
            'iam_endpoint': emulator.url,
            'project_id': emulator.project_id,
            'access_key': emulator.access_key,
            'secret_key': emulator.secret_key,
        },
    }


def write_vars_file(variables):
    # JSON is YAML: no YAML library needed here, and every value is quoted as it should be.
    with open(os.path.join(COPY, VARS_FILE), 'w', encoding='utf-8') as handle:
        handle.write('# Written by tools/ansible_test.py for this run: the emulator it started.\n')
        handle.write(json.dumps(variables, indent=2, sort_keys=True) + '\n')


def serial_unit_files():
    """tests/conftest.py's SERIAL_FILES under tests/unit: tests that time things and must run alone."""
    with open(os.path.join(ROOT, 'tests', 'conftest.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(target, 'id', None) for target in node.targets] == ['SERIAL_FILES']:
            return [path for path in ast.literal_eval(node.value) if path.startswith('tests/unit/')]
    raise SystemExit('tests/conftest.py defines no SERIAL_FILES')


def units(arguments):
    """Every unit test on UNIT_WORKERS workers but the serial ones, which run after, alone; or the given targets."""
    if any(os.path.exists(os.path.join(COPY, word)) for word in arguments if not word.startswith('-')):
        return ansible_test('units', arguments)
    serial = serial_unit_files()
    every = sorted(os.path.relpath(path, COPY) for path in glob.glob(os.path.join(COPY, 'tests', 'unit', '**', 'test_*.py'),
                                                                        recursive=True))
    failed = ansible_test('units', [path for path in every if path not in serial] + list(arguments))
    return ansible_test('units', serial + ['--num-workers', '1'] + list(arguments)) or failed


def ansible_test(command, arguments):
    python = '%d.%d' % sys.version_info[:2]
    words = [os.path.join(BIN, 'ansible-test'), command, '--local', '--python', python, '--color', 'no']
    if command == 'units' and not any(word.startswith('--num-workers') for word in arguments):
        words += ['--num-workers', UNIT_WORKERS]
    # --local runs the Python called python3.X on PATH: this venv's.
    environment = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    print('== ansible-test %s in %s' % (command, os.path.relpath(COPY, ROOT)), flush=True)
    return subprocess.call(words + list(arguments), cwd=COPY, env=environment)


def main(arguments):
    if not arguments or arguments[0] not in ('units', 'integration'):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = arguments[0], arguments[1:]
    seed_get_pip()
    copy_checkout()
    if command == 'units':
        return units(rest)
    emulator = EmulatorProcess(export_delay=EXPORT_DELAY)
    try:
        write_vars_file(integration_vars(emulator))
        print('== emulator on %s for the run' % emulator.url, flush=True)
        failed = ansible_test(command, rest)
        if failed:
            print('== the emulator\'s last log lines:\n%s' % '\n'.join(emulator.stderr_text().splitlines()[-40:]), flush=True)
        return failed
    finally:
        emulator.stop()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
