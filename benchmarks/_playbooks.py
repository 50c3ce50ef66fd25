# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks share: measured runs of ansible-playbook (or of any command) against a checkout.

Importing it puts the repository root on sys.path, for tools.workspace_emulator.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from tools.workspace_emulator.testing import without_cloud_credentials  # noqa: E402

BIN = os.path.dirname(sys.executable)
HERE = os.path.dirname(os.path.abspath(__file__))

# Play variables that connect to the emulator given by emulator_vars().
CONNECTION_VARS = '''    hwcloud_workspace_endpoint: "{{ emulator.url }}"
    hwcloud_workspace_project_id: "{{ emulator.project_id }}"
    hwcloud_workspace_access_key: "{{ emulator.access_key }}"
    hwcloud_workspace_secret_key: "{{ emulator.secret_key }}"
'''

# The same connection as options of one export_task_info task (indented for a task's option block).
MODULE_CONNECTION = '''        endpoint: "{{ emulator.url }}"
        project_id: "{{ emulator.project_id }}"
        access_key: "{{ emulator.access_key }}"
        secret_key: "{{ emulator.secret_key }}"
'''


def emulator_vars(emulator):
    return {'emulator': {'url': emulator.url, 'project_id': emulator.project_id, 'token': emulator.token,
                         'access_key': emulator.access_key, 'secret_key': emulator.secret_key}}


def collections_path(checkout=ROOT, parent=None):
    """A collections path holding checkout as ansible_collections/hwcloud/workspace (as tests/conftest.py does).

    For this repository it is .build/collections; for another checkout (a baseline), parent (a directory
    outside both) gets the link.
    """
    path = os.path.join(ROOT, '.build', 'collections') if parent is None else parent
    link = os.path.join(path, 'ansible_collections', 'hwcloud', 'workspace')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(checkout, link)
    return path


def _parent_pid(pid):
    try:
        with open('/proc/%d/stat' % pid, 'rb') as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name in parentheses may hold spaces: the fields after the last ')' are fixed.
    return int(stat[stat.rindex(b')') + 2:].split()[1])


def _high_water_kib(pid):
    try:
        with open('/proc/%d/status' % pid, 'rb') as handle:
            for line in handle:
                if line.startswith(b'VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return handle.read()
    except OSError:
        return b''


class TreeSampler(threading.Thread):
    """Samples the peak RSS (VmHWM) of every process under root_pid, by kind.

    Kinds: 'main' (root_pid itself), 'module' (an AnsiballZ module process), 'worker' (a fork with root_pid's
    command line: where an action plugin runs a task in-process), 'other'. VmHWM is each process's own high
    water mark, so a sample only has to come before the process exits (a module process lives for a few
    tenths of a second at least). Sampling costs about 1% of a core.
    """

    def __init__(self, root_pid, interval=0.05):
        super(TreeSampler, self).__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peaks = {}
        self.kinds = {}
        # {pid: parent pid} of every process seen: only new processes are read at each sample.
        self._parents = {}
        self._stop_event = threading.Event()

    def _kind(self, pid, root_cmdline):
        if pid == self.root_pid:
            return 'main'
        cmdline = _cmdline(pid)
        if b'AnsiballZ_' in cmdline:
            return 'module'
        return 'worker' if cmdline == root_cmdline else 'other'

    def sample(self):
        pids = set(int(name) for name in os.listdir('/proc') if name.isdigit())
        for pid in set(self._parents) - pids:
            del self._parents[pid]
        for pid in pids - set(self._parents):
            self._parents[pid] = _parent_pid(pid)
        tree = {self.root_pid}
        grew = True
        while grew:
            found = set(pid for pid, parent in self._parents.items() if parent in tree) - tree
            tree |= found
            grew = bool(found)
        root_cmdline = _cmdline(self.root_pid)
        for pid in tree:
            if pid not in self.kinds or self.kinds[pid] == 'other':
                # A forked process execs its program a moment later: look again while it is 'other'.
                self.kinds[pid] = self._kind(pid, root_cmdline)
            self.peaks[pid] = max(self.peaks.get(pid, 0), _high_water_kib(pid))

    def run(self):
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()

    def peak_mib(self, kind):
        """The largest peak RSS of a process of that kind, in MiB (None when none was seen)."""
        peaks = [peak for pid, peak in self.peaks.items() if self.kinds.get(pid) == kind and peak]
        return max(peaks) / 1024.0 if peaks else None


class Measured:
    """A finished command: wall seconds, exit status, output, CPU of its whole process tree, peak RSS, and
    for ansible-playbook the bench_timings of its tasks."""

    timings = ()

    def __init__(self, wall, returncode, stdout, stderr, usage, sampler):
        self.wall = wall
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        # User + system CPU of the process and of every descendant it waited for.
        self.cpu = usage.ru_utime + usage.ru_stime
        # The largest RSS of any one process of the tree (Linux: ru_maxrss in KiB).
        self.tree_rss_mib = usage.ru_maxrss / 1024.0
        self.sampler = sampler

    def task(self, name):
        """The timing entry of the one task result of that name (a role's task: '<role> : <name>')."""
        found = [entry for entry in self.timings if entry['name'] == name or entry['name'].endswith(' : ' + name)]
        if len(found) != 1:
            raise SystemExit('task %r: %r\n%s\n%s' % (name, found, self.stdout[-3000:], self.stderr[-3000:]))
        return found[0]

    def listing_rss_mib(self):
        """Peak RSS of the process that ran the task: the module process if one was shipped, else the worker."""
        return self.sampler.peak_mib('module') or self.sampler.peak_mib('worker')


def measure(command, env=None, cwd=ROOT, timeout=600):
    """Run command; its wall time, CPU (os.wait4) and the RSS of its process tree (sampled from /proc)."""
    with tempfile.TemporaryFile('w+') as out, tempfile.TemporaryFile('w+') as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        sampler = TreeSampler(process.pid)
        sampler.start()
        # Benchmarks stop by themselves: a run that hangs is killed.
        killer = threading.Timer(timeout, os.kill, (process.pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
            sampler.stop()
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(wall, process.returncode, out.read(), err.read(), usage, sampler)


def run_playbook(workdir, text, extra_vars, collections=None, timeout=600, connection='local'):
    """A Measured run of ansible-playbook on localhost with a collection checkout.

    collections: the collections path (default: this checkout). connection: local, or shipped (the tests' local
    connection under another name: the collection's action plugins ship their modules as to a remote host).
    Exits when the playbook fails.
    """
    path = os.path.join(workdir, 'playbook.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    timings_path = os.path.join(workdir, 'timings.json')
    if os.path.exists(timings_path):
        os.unlink(timings_path)
    env = without_cloud_credentials(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=collections or collections_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='bench_timings', BENCH_TIMINGS_FILE=timings_path,
               ANSIBLE_CONNECTION_PLUGINS=os.path.join(ROOT, 'tests', 'integration', 'connection_plugins'))
    command = [os.path.join(BIN, 'ansible-playbook'), path, '-i', 'localhost,', '-c', connection,
               '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', json.dumps(extra_vars)]
    run = measure(command, env=env, timeout=timeout)
    if run.returncode != 0:
        raise SystemExit('ansible-playbook failed (exit status %d):\n%s%s' % (run.returncode, run.stdout[-5000:], run.stderr[-5000:]))
    with open(timings_path, encoding='utf-8') as handle:
        run.timings = json.load(handle)
    return run


# One task lists every export task with the module; failed_when checks the count without printing the list.
LIST_WITH_MODULE = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: list
      hwcloud.workspace.export_task_info:
''' + MODULE_CONNECTION + '''      register: listed
      failed_when: listed.export_tasks | length != expected
'''


def cpu_seconds(pid):
    """User + system CPU seconds a running process has used so far (for the emulator's share)."""
    with open('/proc/%d/stat' % pid, 'rb') as handle:
        fields = handle.read().rsplit(b')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK'))


def environment_line():
    """What the numbers depend on: the checkout's commit, ansible-core, Python, the time, the machine's load."""
    from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel

    def git(*arguments):
        return subprocess.run(('git', '-C', ROOT) + arguments, capture_output=True, text=True, check=False).stdout.strip()

    commit = git('rev-parse', '--short', 'HEAD') + (' with uncommitted changes' if git('status', '--porcelain', '--untracked-files=no') else '')
    return 'commit %s, ansible-core %s, Python %s, %d cores, %s UTC, load average %.2f %.2f %.2f' % (
        commit or 'unknown', ansible_version, sys.version.split()[0], os.cpu_count(),
        time.strftime('%Y-%m-%d %H:%M', time.gmtime()), *os.getloadavg())
