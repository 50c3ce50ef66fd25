# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run `ansible-test units` or `ansible-test integration` on the checkout, with the venv that runs this.

    VENV/bin/python -m tools.ansible_test units [TARGET ...] [ANSIBLE-TEST OPTIONS]
    VENV/bin/python -m tools.ansible_test integration [--path controller|shipped] [TARGET ...] [ANSIBLE-TEST OPTIONS]

ansible-test wants the collection at ansible_collections/hwcloud/workspace/ in a git work tree, and the built
tarball has no integration targets (galaxy.yml build_ignore). So the checkout's files (the tracked ones and the
untracked ones git does not ignore, as they are in the work tree) are copied to
.build/ansible-test/<command>-core<X.Y>-py<X.Y>-<random>/ansible_collections/hwcloud/workspace and committed there
(a copy of its own for each run: legs, units and integration, or the documentation's commands in pytest may run at
once); ansible-test runs in that copy with --local on this venv's Python, and the copy is removed when it ends. Nothing is downloaded: the requirements are this venv's, and the pip bootstrap
script that ansible-test may ask for is seeded as tools/sanity.py does.

units runs the test files given, or every test file of tests/unit, on UNIT_WORKERS workers.

integration runs the targets on both execution paths, one after the other (--path runs one): `controller`, over the
inventory's local connection, where the action plugins compute each module's result in the controller process, and
`shipped`, over the test connection plugin `shipped` (the local connection under another name, in the connection_plugins
of the setup_emulator target, on which every target depends), where they ship the module as to a remote host. For each path it starts one emulator (tools/workspace_emulator on a free port, exports done after
EXPORT_DELAY seconds), names it and the path to the targets in tests/integration/integration_config.yml (the vars
file of the play ansible-test writes for every target, so its ansible_connection wins over the inventory's; the
setup_emulator target resets the emulator's settings for each target and proves the path), and stops it when
ansible-test ends. The shipped path leaves out the targets with the alias controller_only (the lookup and the filter,
which run in the controller whatever the connection: a second run would prove nothing).
"""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # run as a script: tools.sanity and tools.workspace_emulator

from ansible.release import __version__ as ansible_version  # noqa: E402  pylint: disable=wrong-import-position
from tools.sanity import seed_get_pip  # noqa: E402  pylint: disable=wrong-import-position
from tools.workspace_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
PYTHON_VERSION = '%d.%d' % sys.version_info[:2]
# The leg: ansible-core X.Y and the Python, which name the copies (legs of one Python may run at once).
LEG = 'core%s-py%s' % ('.'.join(ansible_version.split('.')[:2]), PYTHON_VERSION)
VARS_FILE = os.path.join('tests', 'integration', 'integration_config.yml')
# Seconds until a started export finishes: a scenario that starts an export and waits for it takes about this long.
EXPORT_DELAY = '0.5'
# Execution path: the variables that choose it (besides integration_path, which setup_emulator checks).
PATHS = {
    'controller': {},
    'shipped': {'ansible_connection': 'shipped'},
}
# What each path leaves out: ansible-test's --exclude takes an alias as a group, with a slash.
EXCLUDED = {'shipped': ['--exclude', 'controller_only/']}
# Workers of each of ansible-test's test contexts. Each worker imports everything again: on two cores, the newest
# leg's unit tests alone took 42 s and 67 CPU-seconds on four workers, 50 s and 59 on two, 90 s and 56 on one. Two,
# since make test runs the legs beside each other, where the cores, not the waits, are what is short.
UNIT_WORKERS = os.environ.get('UNIT_WORKERS', '2')
COPIES = os.path.join(ROOT, '.build', 'ansible-test')
GIT = ['git', '-c', 'user.name=ansible-test', '-c', 'user.email=ansible-test@localhost', '-c', 'commit.gpgsign=false']


@contextlib.contextmanager
def copy_checkout(name):
    """The work tree's files (not .git, nothing ignored) as a fresh git repository of this run's own; its path. The
    copy is removed when the block ends."""
    os.makedirs(COPIES, exist_ok=True)
    top = tempfile.mkdtemp(prefix='%s-%s-' % (name, LEG), dir=COPIES)
    try:
        yield fill_copy(os.path.join(top, 'ansible_collections', 'hwcloud', 'workspace'))
    finally:
        shutil.rmtree(top, ignore_errors=True)


def fill_copy(copy):
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT, check=True,
                            stdout=subprocess.PIPE).stdout.decode('utf-8', 'surrogateescape').split('\0')
    for relative in sorted(set(path for path in listed if path)):
        source = os.path.join(ROOT, relative)
        if not os.path.lexists(source):  # deleted in the work tree, not yet in git
            continue
        destination = os.path.join(copy, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    for words in (['init', '-q'], ['add', '-A'], ['commit', '-q', '--no-verify', '-m', 'the checkout, for ansible-test']):
        subprocess.run(GIT + words, cwd=copy, check=True, stdout=subprocess.DEVNULL)
    return copy


def ansible_test(copy, command, arguments):
    words = [os.path.join(BIN, 'ansible-test'), command, '--local', '--python', PYTHON_VERSION, '--color', 'no']
    # --local runs the Python called pythonX.Y on PATH: this venv's.
    environment = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    print('== ansible-test %s in %s' % (command, os.path.relpath(copy, ROOT)), flush=True)
    return subprocess.call(words + list(arguments), cwd=copy, env=environment)


def units(copy, arguments):
    return ansible_test(copy, 'units', ['--num-workers', UNIT_WORKERS] + list(arguments))


def integration_vars(emulator, path):
    """The variables every target gets: the execution path, where the emulator is, and its demo credentials."""
    return dict(PATHS[path], **{
        'integration_path': path,
        'emulator_url': emulator.url,
        'emulator_storage_url': emulator.storage_url,
        'emulator_project_id': emulator.project_id,
        'emulator_region': emulator.region,
        'emulator_access_key': emulator.access_key,
        'emulator_secret_key': emulator.secret_key,
        'emulator_token': emulator.token,
        'emulator_export_delay': float(EXPORT_DELAY),
        # Every module's connection, for module_defaults of group/hwcloud.workspace.workspace.
        'emulator_connection': {
            'endpoint': emulator.url,
            'iam_endpoint': emulator.url,
            'project_id': emulator.project_id,
            'access_key': emulator.access_key,
            'secret_key': emulator.secret_key,
        },
    })


def integration_on(path, arguments):
    """ansible-test integration on one execution path, in a copy of its own, against an emulator of its own."""
    with copy_checkout('integration-' + path) as copy:
        return integration_in(copy, path, arguments)


def integration_in(copy, path, arguments):
    emulator = EmulatorProcess(export_delay=EXPORT_DELAY)
    try:
        with open(os.path.join(copy, VARS_FILE), 'w', encoding='utf-8') as handle:
            handle.write('# Written by tools/ansible_test.py for this run: the execution path, the emulator it started.\n')
            handle.write(json.dumps(integration_vars(emulator, path), indent=2, sort_keys=True) + '\n')  # JSON is YAML
        print('== %s path, emulator on %s for the run' % (path, emulator.url), flush=True)
        # Every target runs even after one failed: a leg of the matrix reports all its failures at once.
        failed = ansible_test(copy, 'integration', ['--continue-on-error'] + EXCLUDED.get(path, []) + list(arguments))
        if failed:
            print("== the emulator's last log lines:\n%s" % '\n'.join(emulator.stderr_text().splitlines()[-40:]), flush=True)
        return failed
    finally:
        emulator.stop()


def integration(arguments):
    """Both paths one after the other (each runs every target; a failure on the first does not skip the second), or
    the one that --path names."""
    paths = list(PATHS)
    if '--path' in arguments:
        at = arguments.index('--path')
        if at + 1 == len(arguments) or arguments[at + 1] not in PATHS:
            raise SystemExit('--path takes one of: %s' % ', '.join(PATHS))
        paths = [arguments[at + 1]]
        arguments = arguments[:at] + arguments[at + 2:]
    outcomes = []
    for path in paths:
        started = time.monotonic()
        failed = integration_on(path, arguments)
        outcomes.append((path, failed, time.monotonic() - started))
    print('== integration on %s: %s' % (LEG, ', '.join(
        '%s %s in %d s' % (path, 'failed' if failed else 'passed', seconds) for path, failed, seconds in outcomes)), flush=True)
    return max(failed for _, failed, _ in outcomes)


def main(arguments):
    if not arguments or arguments[0] not in ('units', 'integration'):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = arguments[0], arguments[1:]
    seed_get_pip()
    if command == 'integration':
        return integration(rest)
    with copy_checkout(command) as copy:
        return units(copy, rest)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
