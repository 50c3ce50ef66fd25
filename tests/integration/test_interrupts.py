# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""An interrupted download leaves no temporary file: a real ansible-playbook signalled while the file trickles in.

YAML cannot send a signal to its own run, so this is pytest: the download is held open by the emulator's trickle
fault (one byte per interval), the test waits until the temporary file exists, then signals the playbook as a
terminal's Ctrl-C (SIGINT to the process group) or a job cancel (SIGTERM to the process group) does. The runs'
TMPDIR is the test's own, where a shipped module's AnsiballZ payload directory lives while it runs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from tools.workspace_emulator.testing import without_cloud_credentials

from .conftest import ROOT, connection_vars  # pylint: disable=relative-beyond-top-level

HERE = os.path.dirname(os.path.abspath(__file__))
# A bound on each wait of the test (never asserted on): the temporary file appears at the first byte.
PATIENCE = 60

PLAYBOOK = '''\
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Download the trickling file
      hwcloud.workspace.export_file:
        task_id: int-1
        dest: "{{ dest }}/"
        endpoint: "{{ endpoint }}"
        project_id: "{{ project_id }}"
        access_key: "{{ access_key }}"
        secret_key: "{{ secret_key }}"
        timeout: 600
'''


def _wait_for(predicate, what):
    ends = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > ends:
            raise AssertionError('gave up waiting for %s' % what)
        time.sleep(0.05)


def _descendants(pid):
    """The IDs of pid's child processes and theirs (from /proc)."""
    children = {}
    for entry in (name for name in os.listdir('/proc') if name.isdigit()):
        try:
            with open('/proc/%s/stat' % entry) as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


@pytest.fixture
def run_tmpdir():
    """The playbook's TMPDIR: short, as ansible-core's local RPC server keeps a socket there (paths of sockets are
    limited to about 100 bytes, which tmp_path under pytest-xdist exceeds)."""
    path = tempfile.mkdtemp(prefix='hw-int-')
    yield path
    shutil.rmtree(path)


def _playbook_command(tmp_path, emulator, dest, connection, run_tmpdir):
    """The ansible-playbook command that downloads int-1 into dest, and its environment."""
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(PLAYBOOK)
    (tmp_path / 'vars.json').write_text(json.dumps(dict(connection_vars(emulator), dest=str(dest))))
    environment = without_cloud_credentials(os.environ)
    environment.update(ANSIBLE_CONNECTION_PLUGINS=os.path.join(HERE, 'connection_plugins'), ANSIBLE_NOCOLOR='1',
                       ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', TMPDIR=run_tmpdir)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), str(playbook), '-i', 'localhost,',
               '-c', connection, '-e', 'ansible_python_interpreter=%s' % sys.executable,
               '-e', '@' + str(tmp_path / 'vars.json')]
    return command, environment


@pytest.mark.parametrize('connection', ['local', 'shipped'])
@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM], ids=['SIGINT', 'SIGTERM'])
def test_a_signal_during_a_download_leaves_no_temporary_file(emulator_factory, tmp_path, run_tmpdir, connection, signum):
    emulator = emulator_factory(seed=dict(tasks=[dict(task_id='int-1', file_name='int-1.xlsx', status='SUCCESS')]))
    # The first request looks the task up; the second, the download, trickles.
    emulator.inject([{'pass': 1}, {'trickle': 1, 'interval_ms': 200}])
    dest = tmp_path / 'dest'
    dest.mkdir()
    command, environment = _playbook_command(tmp_path, emulator, dest, connection, run_tmpdir)
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        _wait_for(lambda: any(name.endswith('.part') for name in os.listdir(str(dest))), 'the temporary file')
        os.killpg(process.pid, signum)
        output = process.communicate(timeout=PATIENCE)[0].decode('utf-8', 'replace')
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode != 0, output
    # The module's process may outlive ansible-playbook by a moment (shipped): wait until the directories settle.
    _wait_for(lambda: not os.listdir(str(dest)), 'an empty destination (left: %s)' % os.listdir(str(dest)))
    _wait_for(lambda: not _ours(run_tmpdir), 'no file or directory of the module left in TMPDIR')


def _ours(directory):
    """What the collection's modules left in directory (ansible-core's own leftovers are not ours to judge)."""
    return [name for name in os.listdir(directory) if 'hwcloud.workspace' in name]


def test_a_later_run_removes_what_a_killed_run_left(emulator_factory, tmp_path, run_tmpdir):
    """SIGKILL cannot be caught: the temporary file stays. The next run into the directory removes it once no run
    holds it and it is old (its age is set here rather than waited for)."""
    emulator = emulator_factory(seed=dict(tasks=[dict(task_id='int-1', file_name='int-1.xlsx', status='SUCCESS')]))
    emulator.inject([{'pass': 1}, {'trickle': 1, 'interval_ms': 200}])
    dest = tmp_path / 'dest'
    dest.mkdir()
    command, environment = _playbook_command(tmp_path, emulator, dest, 'local', run_tmpdir)
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        _wait_for(lambda: any(name.endswith('.part') for name in os.listdir(str(dest))), 'the temporary file')
        # ansible-playbook's worker runs in a session of its own: killed by its process ID, with its parent.
        for pid in _descendants(process.pid) + [process.pid]:
            os.kill(pid, signal.SIGKILL)
        process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    left, = os.listdir(str(dest))
    assert left.endswith('.hwcloud-workspace.part')
    old = time.time() - 3600
    os.utime(str(dest / left), (old, old))
    emulator.clear_faults()
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.listdir(str(dest)) == ['int-1.xlsx']
