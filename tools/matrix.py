# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ansible-core versions the collection is tested on, the Pythons they run on, and how pytest runs.

    python3 tools/matrix.py python newest           prints the Python of a leg (the first of its Pythons found)
    python3 tools/matrix.py python 3.13 3.12        prints the first of those Pythons found on this machine
    python3 tools/matrix.py run oldest              the end-to-end tests that depend on ansible-core (pytest,
                                                    OLDEST_TESTS), ansible-test units and integration
                                                    (tools/ansible_test.py) and sanity on the oldest
    VENV/bin/python tools/matrix.py pytest [ARGS]   the test suite on that venv's ansible-core, as make pytest runs it

Two legs: `newest` is .venv, made by the Makefile with the leg's Python, where pip installs the newest ansible-core
(make pytest, make sanity); `oldest` is meta/runtime.yml's requires_ansible, in its own venv under .build/matrix
(make test-oldest). make test and make test-matrix run both. Pythons are looked up as `pythonX.Y` on PATH, then in
pyenv's versions folder (where the machine image keeps 3.11, 3.12 and 3.13); a missing Python is an error, never a
silent skip.

pytest runs in two parts: every test not marked `serial` on four workers (pytest-xdist: each test starts its own
emulator on a free port and writes under its own tmp_path; --dist loadfile runs a file's tests one after the other
on one worker, which the documentation's commands need: several start an emulator on the fixed port the text
shows, or run make demo), then the `serial` tests alone (tests/conftest.py: those that time things on the wall
clock).
"""

import glob
import hashlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# leg: (ansible-core requirement, Pythons to try, first found wins). The oldest must match requires_ansible
# (tests/release/test_metadata.py checks it); ansible-core 2.19 runs on Python 3.11 to 3.13, 2.21 on 3.12 to 3.14.
LEGS = {
    'newest': ('ansible-core', ('3.13', '3.12')),
    'oldest': ('ansible-core==2.19.*', ('3.11', '3.12')),
}
REQUIREMENTS = ('requirements.txt', os.path.join('tests', 'requirements.txt'))
# Four workers for two cores: most of a test's time is spent waiting (on ansible-playbook's start, on tasks that
# finish seconds later in the emulator), not computing.
WORKERS = os.environ.get('PYTEST_WORKERS', '4')
# pytest's exit status when the files given hold no serial test.
NO_TESTS_COLLECTED = 5
# The end-to-end tests the oldest leg runs with pytest: those whose outcome depends on ansible-core (the action
# plugins against shipped modules, facts, invocation, deprecation warnings, argument validation, the lookup).
# Its ansible-test units and integration run every unit test and every target besides. The rest runs once, in
# the newest leg: tests/emulator and tests/release do not import ansible-core's execution (the emulator, the
# release files, the documentation's commands that name .venv), and the other end-to-end files test paging,
# transport and waiting, which are the same module_utils on every ansible-core.
OLDEST_TESTS = tuple('tests/integration/%s.py' % name for name in (
    'test_every_module_on_the_controller', 'test_documented_examples', 'test_export_task_info', 'test_lookup',
    'test_playbooks', 'test_wait_for_exports_module'))


def find_python(version):
    """The path of a working Python `version` (X.Y), or None."""
    pyenv_root = os.environ.get('PYENV_ROOT', os.path.expanduser('~/.pyenv'))
    candidates = ['python' + version] + sorted(glob.glob(os.path.join(pyenv_root, 'versions', version + '.*', 'bin',
                                                                      'python' + version)), reverse=True)
    for candidate in candidates:
        try:
            found = subprocess.run([candidate, '-c', 'import sys, venv; print(sys.executable)'], check=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
        except (OSError, subprocess.CalledProcessError):
            continue
        return found.stdout.strip()
    return None


def first_python(versions):
    for version in versions:
        found = find_python(version)
        if found:
            return found
    raise SystemExit('none of the Pythons %s is on this machine (PATH, pyenv versions)' % ', '.join(versions))


def venv_for(leg):
    """.build/matrix/<leg>, created or brought up to date when the requirements changed."""
    core, versions = LEGS[leg]
    venv = os.path.join(ROOT, '.build', 'matrix', leg)
    digest = hashlib.sha256(core.encode())
    for name in REQUIREMENTS:
        with open(os.path.join(ROOT, name), 'rb') as handle:
            digest.update(handle.read())
    stamp = os.path.join(venv, '.installed-' + digest.hexdigest()[:16])
    python = os.path.join(venv, 'bin', 'python')
    if not os.path.exists(stamp):
        interpreter = first_python(versions)
        print('matrix %s: %s on %s' % (leg, core, interpreter), flush=True)
        subprocess.run([interpreter, '-m', 'venv', '--clear', venv], check=True)
        install = [python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', core]
        for name in REQUIREMENTS:
            install += ['-r', os.path.join(ROOT, name)]
        subprocess.run(install, check=True)
        open(stamp, 'w').close()
    return python


def run_pytest(python, arguments=()):
    """The parallel part, then the serial part; 0 when both passed."""
    arguments = list(arguments)
    failed = subprocess.call([python, '-m', 'pytest', '-q', '-n', WORKERS, '--dist', 'loadfile', '-m', 'not serial']
                             + arguments, cwd=ROOT)
    serial = subprocess.call([python, '-m', 'pytest', '-q', '-m', 'serial'] + arguments, cwd=ROOT)
    return (0 if serial == NO_TESTS_COLLECTED else serial) or failed


def run(leg):
    python = venv_for(leg)
    versions = subprocess.run([python, '-c', 'import sys, ansible; print(ansible.__version__, sys.version.split()[0])'],
                              check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    print('== matrix %s: ansible-core %s on Python %s' % (leg, versions[0], versions[1]), flush=True)
    failed = run_pytest(python, OLDEST_TESTS)
    for command in ('units', 'integration'):
        failed = subprocess.call([python, '-m', 'tools.ansible_test', command], cwd=ROOT) or failed
    failed = subprocess.call([python, '-m', 'tools.sanity'], cwd=ROOT) or failed
    return failed


def main(arguments):
    if len(arguments) == 2 and arguments[0] == 'python' and arguments[1] in LEGS:
        print(first_python(LEGS[arguments[1]][1]))
        return 0
    if len(arguments) >= 2 and arguments[0] == 'python':
        print(first_python(arguments[1:]))
        return 0
    if arguments == ['run', 'oldest']:  # the newest leg is .venv: make pytest sanity
        return run(arguments[1])
    if arguments[:1] == ['pytest']:
        return run_pytest(sys.executable, arguments[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
