# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Downloading one large export file, side by side: export_file, get_url, curl, the official SDK (issue 30).

    .venv/bin/python benchmarks/download.py [--size-mib 256] [--repeat 3] [--sdk-repeat 1]

A local emulator serves a generated file of --size-mib MiB (export setting file_size) and a 1 KiB one. Each way
downloads into a fresh, empty directory:
  export_file           one hwcloud.workspace.export_file task over a local connection (its action plugin: the
                        download runs in the controller's worker process)
  export_file shipped   the same, the module shipped as to a remote host (the tests' "shipped" connection)
  get_url               ansible.builtin.get_url of the download URL with an X-Auth-Token header
  curl                  curl -o FILE with the same header
  SDK                   the official SDK's download_export_file (its raw_content written to a file), in-process
  client                this collection's module_utils as export_file calls them, in-process
and the floors: export_file of the 1 KiB file (controller and shipped), get_url of it. Prints a table (medians of
--repeat runs; the SDK runs --sdk-repeat times) and the issue's target: the download path's own cost, export_file
less its floor, at most twice curl's time. Not a test: nothing is asserted; it stops by itself and talks to
127.0.0.1 only.
"""

import argparse
import json
import os
import shutil
import statistics
import tempfile

# First: _playbooks puts the repository root on sys.path.
from _playbooks import (BIN, MODULE_CONNECTION, ROOT, cpu_seconds, emulator_vars, environment_line, measure,
                        run_playbook)
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

BIG = 'bench-big'
SMALL = 'bench-small'
SMALL_SIZE = 1024

EXPORT_FILE = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: download
      hwcloud.workspace.export_file:
''' + MODULE_CONNECTION + '''        task_id: "{{ task_id }}"
        dest: "{{ dest }}/"
        timeout: 600
      register: saved
      failed_when: saved.size != expected_size
'''

GET_URL = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: download
      ansible.builtin.get_url:
        url: "{{ emulator.url }}/v2/{{ emulator.project_id }}/export-tasks/{{ task_id }}/download"
        dest: "{{ dest }}/{{ task_id }}"
        headers:
          X-Auth-Token: "{{ emulator.token }}"
        timeout: 600
'''


class Row:
    """One way, measured: wall and task seconds, CPU, peak RSS of the downloading process, the emulator's CPU."""

    FIELDS = ('wall', 'tasks_wall', 'cpu', 'rss', 'emulator_cpu')

    def __init__(self, **values):
        for field in self.FIELDS:
            setattr(self, field, values[field])

    @classmethod
    def median(cls, rows):
        return cls(**dict((field, statistics.median_low([getattr(row, field) for row in rows])) for field in cls.FIELDS))


def playbook_way(text, connection='local'):
    def run(workdir, emulator, task_id, size, dest):
        extra_vars = dict(emulator_vars(emulator), task_id=task_id, expected_size=size, dest=dest)
        result = run_playbook(workdir, text, extra_vars, connection=connection)
        tasks_wall = max(entry['end'] for entry in result.timings) - min(entry['start'] for entry in result.timings)
        return result.wall, tasks_wall, result.cpu, result.listing_rss_mib()
    return run


def curl_way(workdir, emulator, task_id, size, dest):
    del workdir, size
    url = '%s/v2/%s/export-tasks/%s/download' % (emulator.url, emulator.project_id, task_id)
    result = measure(['curl', '--silent', '--show-error', '--fail', '--noproxy', '*', '-o', os.path.join(dest, task_id),
                      '-H', 'X-Auth-Token: %s' % emulator.token, url], env=without_cloud_credentials(os.environ))
    if result.returncode != 0:
        raise SystemExit('curl failed: %s' % result.stderr)
    return result.wall, result.wall, result.cpu, result.tree_rss_mib


def python_way(kind):
    def run(workdir, emulator, task_id, size, dest):
        del workdir, size
        result = measure([os.path.join(BIN, 'python'), os.path.join(ROOT, 'benchmarks', '_download_inprocess.py'), kind,
                          emulator.url, emulator.project_id, emulator.access_key, emulator.secret_key, task_id, dest],
                         env=without_cloud_credentials(os.environ))
        if result.returncode != 0:
            raise SystemExit('%s download failed:\n%s' % (kind, result.stderr[-5000:]))
        download = json.loads(result.stdout)
        # The download alone (in-process), not the interpreter's start-up and imports; RSS is the whole process's.
        return download['wall'], download['wall'], download['cpu'], download['rss_mib']
    return run


FLOORS = (
    ('export_file, 1 KiB (floor)', SMALL, playbook_way(EXPORT_FILE)),
    ('export_file shipped, 1 KiB (floor)', SMALL, playbook_way(EXPORT_FILE, 'shipped')),
    ('get_url, 1 KiB (floor)', SMALL, playbook_way(GET_URL)),
)
WAYS = (
    ('export_file', BIG, playbook_way(EXPORT_FILE)),
    ('export_file shipped', BIG, playbook_way(EXPORT_FILE, 'shipped')),
    ('get_url', BIG, playbook_way(GET_URL)),
    ('curl', BIG, curl_way),
    ('client (in-process)', BIG, python_way('client')),
    ('SDK download_export_file (in-process)', BIG, python_way('sdk')),
)


def measure_once(way, workdir, emulator, task_id, size):
    dest = tempfile.mkdtemp(prefix='download-', dir=workdir)
    try:
        emulator_before = cpu_seconds(emulator.process.pid)
        wall, tasks_wall, cpu, rss = way(workdir, emulator, task_id, size, dest)
        emulator_cpu = cpu_seconds(emulator.process.pid) - emulator_before
        saved = [os.path.getsize(os.path.join(dest, name)) for name in os.listdir(dest)]
        if saved != [size]:
            raise SystemExit('expected one file of %d bytes in %s, found sizes %r' % (size, dest, saved))
    finally:
        shutil.rmtree(dest)
    return Row(wall=wall, tasks_wall=tasks_wall, cpu=cpu, rss=rss, emulator_cpu=emulator_cpu)


def measure_ways(workdir, emulator, sizes, repeat, sdk_repeat):
    """{way: the medians of its runs}; the ways take turns, so that a burst of load on the machine hits all of them."""
    ways = FLOORS + WAYS
    runs = dict((name, []) for name, _, _ in ways)
    for turn in range(max(repeat, sdk_repeat)):
        for name, task_id, way in ways:
            if turn < (sdk_repeat if name.startswith('SDK') else repeat):
                runs[name].append(measure_once(way, workdir, emulator, task_id, sizes[task_id]))
    return dict((name, Row.median(rows)) for name, rows in runs.items() if rows)


def print_table(rows, size_mib, repeat, sdk_repeat):
    print('\n### One file of %d MiB (medians of %d runs; SDK: %d)\n' % (size_mib, repeat, sdk_repeat))
    header = ('way', 'wall s', 'tasks s', 'CPU s', 'peak RSS MiB of the downloading process', 'emulator CPU s')
    print('| %s |' % ' | '.join(header))
    print('|---|%s|' % '|'.join('---:' for _ in header[1:]))
    for name, row in rows.items():
        print('| %s | %.2f | %.2f | %.2f | %.0f | %.2f |' % (
            name, row.wall, row.tasks_wall, row.cpu, row.rss, row.emulator_cpu))


def print_targets(rows):
    curl = rows['curl'].wall
    print('\n#### Target: the download path\'s own cost (export_file less its floor) <= 2 x curl = %.2f s\n' % (2 * curl))
    print('| way | measured | |')
    print('|---|---:|---|')
    for name, floor in (('export_file', 'export_file, 1 KiB (floor)'),
                        ('export_file shipped', 'export_file shipped, 1 KiB (floor)')):
        for field, label in (('wall', 'walls'), ('tasks_wall', 'task times')):
            cost = getattr(rows[name], field) - getattr(rows[floor], field)
            print('| %s - its floor (%s) | %.2f s = %.1f x curl | %s |' % (
                name, label, cost, cost / curl if curl else float('inf'), 'met' if cost <= 2 * curl else 'NOT met'))
    for field, label in (('wall', 'walls'), ('tasks_wall', 'task times')):
        cost = getattr(rows['get_url'], field) - getattr(rows['get_url, 1 KiB (floor)'], field)
        print('| for comparison: get_url - its floor (%s) | %.2f s = %.1f x curl | |' % (label, cost, cost / curl))
    print('| client (in-process) | %.2f s = %.1f x curl | %s |' % (
        rows['client (in-process)'].wall, rows['client (in-process)'].wall / curl,
        'met' if rows['client (in-process)'].wall <= 2 * curl else 'NOT met'))
    for name, floor in (('export_file', 'export_file, 1 KiB (floor)'),
                        ('export_file shipped', 'export_file shipped, 1 KiB (floor)')):
        print('| %s: peak RSS above its floor\'s | %.0f MiB | flat: %s |' % (
            name, rows[name].rss - rows[floor].rss, 'yes' if rows[name].rss - rows[floor].rss <= 16 else 'NO'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--size-mib', type=int, default=256, help='size of the large file (default: %(default)s)')
    parser.add_argument('--repeat', type=int, default=3, help='runs of each way; medians are shown (default: %(default)s)')
    parser.add_argument('--sdk-repeat', type=int, default=1,
                        help='runs of the SDK, which holds the whole file in memory (default: %(default)s)')
    options = parser.parse_args()
    if shutil.which('curl') is None:
        raise SystemExit('curl is needed: it is the reference')
    size = options.size_mib * 1024 * 1024
    sizes = {BIG: size, SMALL: SMALL_SIZE}
    seed = {'tasks': [{'task_id': task_id, 'file_name': task_id + '.csv', 'status': 'SUCCESS', 'file_size': file_size}
                      for task_id, file_size in sizes.items()]}
    print('before: %s' % environment_line())
    with tempfile.TemporaryDirectory(prefix='bench-download-') as workdir, EmulatorProcess(seed=seed) as emulator:
        rows = measure_ways(workdir, emulator, sizes, options.repeat, options.sdk_repeat)
    print_table(rows, options.size_mib, options.repeat, options.sdk_repeat)
    print_targets(rows)
    print('\nafter: %s' % environment_line())


if __name__ == '__main__':
    main()
