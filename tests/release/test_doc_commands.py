# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command the documentation tells a reader to type runs, copied from the text, against the emulator.

Blocks of commands are read from the text as it is:
- README.md, roles/*/README.md and other Markdown under docs/: fenced ```console blocks;
- docs/docsite/rst/*.rst: `.. code-block:: console` blocks;
- playbooks/*.yml: the header comment's command lines (`#   <command>`), each run of them one block.
Each block runs in one bash session from the repository root, line by line, as a reader would type it, with
what a reader has: the venv's tools on PATH (pip install -r requirements.txt), the collection installed
(ansible-galaxy collection install of the built tarball, into a fresh ANSIBLE_COLLECTIONS_PATH), and the
connection in the environment, pointed at an emulator this test started (standing in for the cloud: it
serves tools/demo_seed.json's exports, all of which succeed). A block that starts its own emulator and sets
its own connection uses those instead.

Conventions of the text, so that nothing is left out silently:
- A command is expected to exit 0, unless its line ends with a comment `# exits N...`: then with N. No command may
  print a deprecation warning.
- `export NAME=...` lines (the reader's own secrets) are not run: the environment already has the emulator's.
- `<task_id>` stands for the ID of an export that exists; any other `<placeholder>` fails the test.
- An `ansible-doc` command must print something (it prints nothing, with exit status 0, for a missing role).
- A line starting the emulator in the foreground runs in the background, as it would in another terminal, and
  the next line waits until its port answers; emulators are stopped at the end of the block. The port the text
  shows (DOCUMENTED_PORT) is replaced by a free one in every command of the block, so that the tests never use
  the port a reader's own emulator may be listening on while they run. A directory given as DOCUMENTED_DIRECTORY
  (`dest=/tmp`) becomes the block's own temporary directory, removed when the block ends, so that the files the
  commands download are not left behind.
- A block that builds or runs containers (a command of tools/ee.py's CONTAINER_COMMANDS: ansible-builder,
  ansible-navigator, podman...) needs the execution-environment harness: make ee-test runs it, with this test's
  script, in tests/ee/test_guide_commands.py; it is left out here.
- `make` targets other than `demo` and `collection` are CI's own checks (`make test` runs this very test):
  they are checked to be targets of the Makefile, not run; `make demo` runs once however often it is shown.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import json
import os
import re
import shlex
import socket
import subprocess
import sys

import pytest

from tools.ee import needs_containers
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RUN_MAKE_TARGETS = {'demo', 'collection'}
MADE = set()  # a make target the text asks for more than once runs once, as a reader would run it
HEADER_COMMAND = re.compile(r'^#   ((?:export|ansible-playbook|ansible-doc|ansible-galaxy|make|pip|\.venv/bin/)\b.*)$')
EXPECTED_EXIT = re.compile(r'#\s*exits (\d+)\b')
DOCUMENTED_PORT = 8443
DOCUMENTED_DIRECTORY = '/tmp'


def markdown_blocks(path):
    blocks, block, start = [], None, 0
    with open(path, encoding='utf-8') as handle:
        for number, line in enumerate(handle, 1):
            stripped = line.strip()
            if block is None and stripped == '```console':
                block, start = [], number + 1
            elif block is not None and stripped.startswith('```'):
                blocks.append((start, block))
                block = None
            elif block is not None:
                block.append(line.rstrip('\n'))
    return blocks


def rst_blocks(path):
    blocks, block, start = [], None, 0
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip() == '.. code-block:: console':
            block, start = [], number + 1
        elif block is not None:
            if line.strip() and not line.startswith(' '):
                blocks.append((start, block))
                block = None
            elif line.strip():
                block.append(line.strip())
    if block is not None:
        blocks.append((start, block))
    return [(start, block) for start, block in blocks if block]


def header_blocks(path):
    blocks, block, start = [], [], 0
    with open(path, encoding='utf-8') as handle:
        for number, line in enumerate(handle, 1):
            if not line.startswith('#') and line.strip() != '---':
                break
            match = HEADER_COMMAND.match(line.rstrip('\n'))
            if match:
                if not block:
                    start = number
                block.append(match.group(1))
            elif block:
                blocks.append((start, block))
                block = []
    if block:
        blocks.append((start, block))
    return blocks


def documented_blocks():
    found = []
    markdown = glob.glob('roles/*/README.md', root_dir=ROOT) + glob.glob('docs/**/*.md', root_dir=ROOT, recursive=True)
    for path in ['README.md'] + sorted(markdown):
        found += [(path, start, block) for start, block in markdown_blocks(os.path.join(ROOT, path))]
    for path in sorted(glob.glob('docs/**/*.rst', root_dir=ROOT, recursive=True)):
        found += [(path, start, block) for start, block in rst_blocks(os.path.join(ROOT, path))]
    for path in sorted(glob.glob('playbooks/*.yml', root_dir=ROOT)):
        found += [(path, start, block) for start, block in header_blocks(os.path.join(ROOT, path))]
    return found


def makefile_targets():
    with open(os.path.join(ROOT, 'Makefile'), encoding='utf-8') as handle:
        return set(re.findall(r'^([a-z][a-z-]*):', handle.read(), flags=re.M))


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def bash_script(lines, task_id, port):
    """The block as a bash script that checks each command's exit status; DOCUMENTED_PORT becomes port."""
    script = ['cd %s' % shlex.quote(ROOT), 'block_tmp=$(mktemp -d)',
              'trap \'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$block_tmp"\' EXIT', 'set -o pipefail']
    for line in lines:
        command = line.strip()
        if not command or command.startswith('#'):
            continue
        expected = EXPECTED_EXIT.search(command)
        expected = int(expected.group(1)) if expected else 0
        command = command.replace('<task_id>', task_id)
        command = re.sub(r'(?<=[: ])%d\b' % DOCUMENTED_PORT, str(port), command)
        command = re.sub(r'(?<==)%s(?=\s|$)' % DOCUMENTED_DIRECTORY, '"$block_tmp"', command)
        placeholder = re.search(r'<[a-z_]+>', command.split('#')[0])
        assert not placeholder, 'unknown placeholder %s in %r' % (placeholder.group(0), line)
        words = shlex.split(command, comments=True)
        if words[0] == 'export' and any(word.endswith('=...') for word in words[1:]):
            continue
        if words[0] == 'make':
            unknown = set(words[1:]) - makefile_targets()
            assert not unknown, 'not a Makefile target: %s in %r' % (unknown, line)
            if not set(words[1:]) <= RUN_MAKE_TARGETS or set(words[1:]) <= MADE:
                continue
            MADE.update(words[1:])
        shown = json.dumps(command)
        script.append('echo "$ "%s' % shlex.quote(shown[1:-1]))
        if 'tools.workspace_emulator' in command:
            # Its output goes to a file, which tells when it listens, or why it stopped (a port already taken).
            script.append('emulator_log=$(mktemp -p "$block_tmp")')
            script.append(command.rstrip('&').rstrip() + ' > "$emulator_log" 2>&1 &')
            script.append('%s -c %s $! "$emulator_log" || { echo "DOC-COMMAND FAILED: the emulator did not start: %s" >&2; '
                          'exit 97; }' % (shlex.quote(sys.executable), shlex.quote(WAIT_FOR_EMULATOR), shlex.quote(shown[1:-1])))
            continue
        if os.path.basename(words[0]) == 'ansible-doc':
            command = '{ %s ; } | tee /dev/stderr | grep -c . >/dev/null' % command.split(' #')[0]
        script.append(command)
        script.append('status=$?; if [ $status -ne %d ]; then echo "DOC-COMMAND FAILED: exit status $status, expected %d: %s" >&2; '
                      'exit 97; fi' % (expected, expected, shlex.quote(shown[1:-1])))
    return '\n'.join(script) + '\n'


WAIT_FOR_EMULATOR = '''
import sys, time
pid, log = int(sys.argv[1]), sys.argv[2]
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    with open(log) as handle:
        output = handle.read()
    if 'listening on ' in output:
        sys.exit(print(output.strip()))
    try:
        with open('/proc/%d/stat' % pid) as handle:
            running = handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        running = False
    if not running:
        sys.exit('the emulator exited:\\n' + output)
    time.sleep(0.1)
sys.exit('the emulator did not listen within 30 s:\\n' + output)
'''

BLOCKS = [(path, start, block) for path, start, block in documented_blocks() if not needs_containers(block)]


def test_the_documentation_has_commands():
    sources = {path for path, _start, _block in BLOCKS}
    assert {'README.md', 'playbooks/list_export_tasks.yml', 'playbooks/wait_for_exports.yml'} <= sources


def test_the_documented_port_is_replaced_by_the_free_one_in_every_command():
    script = bash_script(['.venv/bin/python -m tools.workspace_emulator --port %d &' % DOCUMENTED_PORT,
                          'export HW_WORKSPACE_ENDPOINT=http://127.0.0.1:%d X=1' % DOCUMENTED_PORT], 'tid', 4242)
    assert str(DOCUMENTED_PORT) not in script and '--port 4242' in script and '127.0.0.1:4242' in script


def test_the_documented_directory_is_replaced_by_the_block_s_own():
    script = bash_script(['ansible-playbook playbooks/export_desktops.yml -e dest=%s -e wait_sleep=1' % DOCUMENTED_DIRECTORY],
                         'tid', 4242)
    assert '=%s ' % DOCUMENTED_DIRECTORY not in script and ' -e dest="$block_tmp" -e wait_sleep=1' in script


@pytest.fixture(scope='module')
def installed_collection(tmp_path_factory):
    """The collection as a reader installs it: the built tarball, ansible-galaxy collection install."""
    base = tmp_path_factory.mktemp('doc-commands')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(base), ROOT],
                   check=True, stdout=subprocess.DEVNULL)
    collections = base / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '-p', str(collections),
                    glob.glob(str(base / '*.tar.gz'))[0]], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return collections


@pytest.mark.parametrize('path, start, lines', BLOCKS, ids=['%s:%d' % (path, start) for path, start, _lines in BLOCKS])
def test_documented_commands_run(path, start, lines, installed_collection):
    with open(os.path.join(ROOT, 'tools', 'demo_seed.json'), encoding='utf-8') as handle:
        seed = json.load(handle)
    seed['tasks'] = [task for task in seed['tasks'] if task.get('final_status', 'SUCCESS') == 'SUCCESS']
    task_id = [task['task_id'] for task in seed['tasks'] if task.get('status') == 'SUCCESS'][0]
    with EmulatorProcess(seed=seed) as emulator:
        environment = emulator.user_environment(without_cloud_credentials(os.environ))
        environment.update({
            'PATH': BIN + os.pathsep + os.environ['PATH'],
            'ANSIBLE_COLLECTIONS_PATH': str(installed_collection),
            'ANSIBLE_NOCOLOR': '1',
        })
        completed = subprocess.run(['bash', '-c', bash_script(lines, task_id, free_port())], env=environment, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=900)
    assert completed.returncode == 0, '%s, block at line %d:\n%s' % (path, start, completed.stdout[-20000:])
    assert '[DEPRECATION WARNING]' not in completed.stdout, '%s, block at line %d:\n%s' % (path, start, completed.stdout)
