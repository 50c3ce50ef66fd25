# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ansible-core versions the collection is tested on (the legs), the Pythons they run on, and how pytest runs.

    python3 tools/matrix.py legs                    prints the legs, the oldest first (make test runs one per leg)
    python3 tools/matrix.py legs --longest-first    the same, those with the most parts first (make test starts them
                                                    first)
    python3 tools/matrix.py python LEG              prints the Python of a leg (the first of its Pythons found)
    python3 tools/matrix.py python 3.13 3.12        prints the first of those Pythons found on this machine
    python3 tools/matrix.py run LEG [--all]         a leg: its parts in LEGS: ansible-test units, ansible-test
                                                    integration on both execution paths (tools/ansible_test.py), on
                                                    the oldest also pytest's OLDEST_TESTS and sanity
                                                    (tools/sanity.py); --all runs every part on any leg; prints the
                                                    time of each part and of the leg
    python3 tools/matrix.py times                   prints the time of every leg's last run
    VENV/bin/python tools/matrix.py pytest [ARGS]   the test suite on that venv's ansible-core, as make pytest runs it

Every supported ansible-core is a leg, each on a Python it supports. `newest` is .venv, made by the Makefile with
its Python, where pip installs the newest ansible-core (it also runs make pytest, make sanity and the other checks);
every other leg has its own venv, .build/matrix/<leg>, kept between runs and made again when the requirements
change: the leg's ansible-core pinned, plus requirements.txt and tests/requirements.txt without their own
ansible-core line (which would fight the pin). The oldest is meta/runtime.yml's requires_ansible
(tests/release/test_metadata.py holds them together). make test runs the legs three at a time beside pytest and
the newest leg's other checks. Pythons are looked up as `pythonX.Y` on PATH, then in pyenv's versions folder (where the
machine image keeps 3.11, 3.12 and 3.13); a missing Python is an error, never a silent skip.

pytest runs on four workers (pytest-xdist: each test starts its own emulator on a free port and writes under its own
tmp_path; --dist loadfile runs a file's tests one after the other on one worker, which the documentation's commands
need: several start an emulator on the fixed port the text shows, or run make demo). No test depends on the load
beside it: tests that requests overlapped hold them in the emulator until they do (its `together` fault).
"""

import glob
import hashlib
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# leg: (ansible-core requirement, Pythons to try (first found wins), parts), the oldest first. Each Python is one
# that ansible-core version supports on the controller (2.16: 3.10-3.12, 2.17: 3.10-3.12, 2.18: 3.11-3.13, 2.19 and
# 2.20: 3.11-3.13, 2.21: 3.12-3.14); between them the legs cover 3.11, 3.12 and 3.13.
#
# Parts: `units` is every unit test (ansible-test units), `integration controller` and `integration shipped` every
# integration target on one execution path (tools/ansible_test.py), `pytest` OLDEST_TESTS, `sanity` tools/sanity.py.
# Every leg runs the unit tests and every target on both paths; the oldest also pytest's every-module comparison and
# sanity (the newest leg's sanity is make test's own check).
LEGS = {
    '2.16': ('ansible-core==2.16.*', ('3.11',), ('units', 'integration controller', 'integration shipped', 'pytest', 'sanity')),
    '2.17': ('ansible-core==2.17.*', ('3.12',), ('units', 'integration controller', 'integration shipped')),
    '2.18': ('ansible-core==2.18.*', ('3.11',), ('units', 'integration controller', 'integration shipped')),
    '2.19': ('ansible-core==2.19.*', ('3.11',), ('units', 'integration controller', 'integration shipped')),
    '2.20': ('ansible-core==2.20.*', ('3.12',), ('units', 'integration controller', 'integration shipped')),
    'newest': ('ansible-core', ('3.13', '3.12'), ('units', 'integration controller', 'integration shipped')),
}
OLDEST = next(iter(LEGS))
NEWEST = 'newest'
REQUIREMENTS = ('requirements.txt', os.path.join('tests', 'requirements.txt'))
TIMES = os.path.join(ROOT, '.build', 'matrix', 'times')
# Four workers for two cores: most of a test's time is spent waiting (on ansible-playbook's start, on tasks that
# finish seconds later in the emulator), not computing.
WORKERS = os.environ.get('PYTEST_WORKERS', '4')
# The end-to-end test the oldest leg runs with pytest besides ansible-test: every module and both roles, run in the
# controller and shipped, give the same result field for field (with invocation, warnings and deprecations), which
# no target can compare. The rest of pytest runs once, in the newest leg: tests/emulator and tests/release do not
# import ansible-core's execution, and the other end-to-end files test paging, transport and waiting, the same
# module_utils on every ansible-core.
OLDEST_TESTS = ('tests/integration/test_every_module_on_the_controller.py',)


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


def requirements_besides_core():
    """The requirement lines of REQUIREMENTS except ansible-core's: a leg pins its own."""
    lines = []
    for name in REQUIREMENTS:
        with open(os.path.join(ROOT, name), encoding='utf-8') as handle:
            for line in handle:
                requirement = line.split('#', 1)[0].strip()
                project = re.match(r'[A-Za-z0-9._-]+', requirement)
                if project and re.sub(r'[._-]+', '-', project.group(0).lower()) != 'ansible-core':
                    lines.append(requirement)
    return lines


def venv_for(leg):
    """The Python of the leg's venv: .venv for the newest (the Makefile makes it), else .build/matrix/<leg>, created
    or made again when the requirements changed."""
    if leg == NEWEST:
        return os.path.join(ROOT, '.venv', 'bin', 'python')
    core, versions, _parts = LEGS[leg]
    requirements = [core] + requirements_besides_core()
    venv = os.path.join(ROOT, '.build', 'matrix', leg)
    stamp = os.path.join(venv, '.installed-' + hashlib.sha256('\n'.join(requirements).encode()).hexdigest()[:16])
    python = os.path.join(venv, 'bin', 'python')
    if not os.path.exists(stamp):
        interpreter = first_python(versions)
        print('== matrix %s: a venv with %s on %s' % (leg, core, interpreter), flush=True)
        subprocess.run([interpreter, '-m', 'venv', '--clear', venv], check=True)
        # --no-compile: the parts compile what they import (a fraction of ansible-core) on first use; compiling
        # every installed file costs a leg about four seconds of CPU.
        subprocess.run([python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-compile']
                       + requirements, check=True)
        open(stamp, 'w').close()
    return python


def run_pytest(python, arguments=()):
    """pytest on WORKERS workers; its exit status."""
    return subprocess.call([python, '-m', 'pytest', '-q', '-n', WORKERS, '--dist', 'loadfile'] + list(arguments), cwd=ROOT)


def leg_parts(leg, python, everything=False):
    """(name, command) of each part of a leg, in the order they run (every part with everything)."""
    commands = {
        'units': [python, '-m', 'tools.ansible_test', 'units'],
        'integration controller': [python, '-m', 'tools.ansible_test', 'integration', '--path', 'controller'],
        'integration shipped': [python, '-m', 'tools.ansible_test', 'integration', '--path', 'shipped'],
        'pytest': [python, 'tools/matrix.py', 'pytest'] + list(OLDEST_TESTS),
        'sanity': [python, '-m', 'tools.sanity'],
    }
    names = list(commands) if everything else LEGS[leg][2]
    return [(name, commands[name]) for name in names]


# The lines of a part's output that name what failed (pytest's short summary, ansible-test's errors, a failed task),
# repeated under the leg's summary and by `times`, so that the end of make test's output says what to look at.
FAILURE_LINE = re.compile(r'^(FAILED |ERROR: |fatal: )')
FAILURE_LINES_KEPT = 10
FAILURE_LINE_CHARACTERS = 300


def run_part(command):
    """Runs a part, its output passed through as it comes; (exit status, and when it failed its first
    FAILURE_LINES_KEPT failure lines, each cut to FAILURE_LINE_CHARACTERS: a passing part may print a failed task that
    a target expects)."""
    kept = []
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        for raw in process.stdout:
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
            line = raw.decode('utf-8', 'replace').rstrip()
            if FAILURE_LINE.match(line) and len(kept) < FAILURE_LINES_KEPT:
                kept.append(line[:FAILURE_LINE_CHARACTERS])
    return process.returncode, kept if process.returncode else []


def run(leg, everything=False):
    """Every part of the leg, even after one failed; the time of each, printed and kept in TIMES; 0 if all passed."""
    started = time.monotonic()
    python = venv_for(leg)
    versions = subprocess.run([python, '-c', 'import sys, ansible; print(ansible.__version__, sys.version.split()[0])'],
                              check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    print('== matrix %s: ansible-core %s on Python %s' % (leg, versions[0], versions[1]), flush=True)
    outcomes, failures = [('venv', 0, time.monotonic() - started)], []
    for name, command in leg_parts(leg, python, everything):
        part_started = time.monotonic()
        failed, lines = run_part(command)
        outcomes.append((name, failed, time.monotonic() - part_started))
        failures += ['  %s: %s' % (name, line) for line in lines]
    total = time.monotonic() - started
    summary = 'matrix %s (ansible-core %s, Python %s): %s in %d s: %s' % (
        leg, versions[0], versions[1], 'FAILED' if any(failed for _, failed, _ in outcomes) else 'passed', total,
        ', '.join('%s %s%d s' % (name, 'FAILED ' if failed else '', seconds) for name, failed, seconds in outcomes))
    summary = '\n'.join([summary] + failures)
    os.makedirs(TIMES, exist_ok=True)
    with open(os.path.join(TIMES, leg), 'w', encoding='utf-8') as handle:
        handle.write(summary + '\n')
    print('== ' + summary, flush=True)
    return max(failed for _, failed, _ in outcomes)


def longest_first():
    """The legs that run the targets shipped first, then those that run them in the controller, then the others;
    those with more parts first within each, and in LEGS' order otherwise."""
    def length(leg):
        parts = LEGS[leg][2]
        return ('integration shipped' not in parts, 'integration controller' not in parts, -len(parts))
    return sorted(LEGS, key=length)


def times():
    for leg in LEGS:
        path = os.path.join(TIMES, leg)
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                print(handle.read().strip())
        else:
            print('matrix %s: not run' % leg)
    return 0


def main(arguments):
    if arguments == ['legs']:
        print(' '.join(LEGS))
        return 0
    if arguments == ['legs', '--longest-first']:
        print(' '.join(longest_first()))
        return 0
    if len(arguments) == 2 and arguments[0] == 'python' and arguments[1] in LEGS:
        print(first_python(LEGS[arguments[1]][1]))
        return 0
    if len(arguments) >= 2 and arguments[0] == 'python':
        print(first_python(arguments[1:]))
        return 0
    if len(arguments) in (2, 3) and arguments[0] == 'run' and arguments[1] in LEGS and arguments[2:] in ([], ['--all']):
        return run(arguments[1], everything=arguments[2:] == ['--all'])
    if arguments == ['times']:
        return times()
    if arguments[:1] == ['pytest']:
        return run_pytest(sys.executable, arguments[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
