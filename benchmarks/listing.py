# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Listing 10,000 export tasks, side by side: the module, the lookup, a uri loop, the official SDK (issue 10).

    .venv/bin/python benchmarks/listing.py [--tasks 10000] [--latency-ms 0 50] [--repeat 3] [--running 300]

A local emulator holds N finished tasks and waits the given latency before each answer (a stand-in for the
distance to the cloud). At each latency the same listing runs as:
  export_task_info  one hwcloud.workspace.export_task_info task in ansible-playbook (localhost)
  lookup            one task templating query('hwcloud.workspace.export_tasks')
  uri loop          what users write without this collection: ansible.builtin.uri with an X-Auth-Token,
                    the first page, then a loop over the other offsets until the API's count
  SDK loop          the official SDK's list_export_tasks loop (huaweicloudsdkworkspace, AK/SK) in plain Python
  client            this collection's module_utils in plain Python (the HTTP part alone)
and Ansible's floors: an empty playbook, one ansible.builtin.ping. Then a wait on R running tasks (among the N)
shows what one poll costs. Prints tables (medians of --repeat runs; the uri loop runs --uri-repeat times) and
the ratios of the issue's targets. Not a test: nothing is asserted; it stops by itself and talks to
127.0.0.1 only.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile

# First: _playbooks puts the repository root on sys.path.
from _playbooks import (BIN, CONNECTION_VARS, LIST_WITH_MODULE, MODULE_CONNECTION, ROOT, cpu_seconds, emulator_vars,
                        environment_line, measure, run_playbook)
from _emulator import Finisher, bursts, list_requests, span
from tools.workspace_emulator.testing import EmulatorProcess, peak_in_flight, without_cloud_credentials

PAGE = 100

EMPTY = '''
- hosts: localhost
  gather_facts: false
  tasks: []
'''

PING = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: ping
      ansible.builtin.ping:
'''

LOOKUP = '''
- hosts: localhost
  gather_facts: false
  vars:
''' + CONNECTION_VARS + '''  tasks:
    - name: list
      ansible.builtin.assert:
        that: query('hwcloud.workspace.export_tasks') | length == expected
        quiet: true
'''

# Without the collection: the token in a header, the first page for the count, then every other offset.
URI_LOOP = '''
- hosts: localhost
  gather_facts: false
  vars:
    list_url: "{{ emulator.url }}/v2/{{ emulator.project_id }}/export-tasks?limit=100"
  tasks:
    - name: first page
      ansible.builtin.uri:
        url: "{{ list_url }}&offset=0"
        headers:
          X-Auth-Token: "{{ emulator.token }}"
      register: first_page

    - name: other pages
      ansible.builtin.uri:
        url: "{{ list_url }}&offset={{ item }}"
        headers:
          X-Auth-Token: "{{ emulator.token }}"
      loop: "{{ range(100, first_page.json.count, 100) | list }}"
      register: other_pages

    - name: list
      ansible.builtin.set_fact:
        export_tasks: "{{ first_page.json.export_tasks + other_pages.results | map(attribute='json.export_tasks') | flatten }}"
      failed_when: export_tasks | length != expected
'''

WAIT = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: wait
      hwcloud.workspace.export_task_info:
''' + MODULE_CONNECTION + '''        task_ids: "{{ task_ids }}"
        wait: true
        wait_sleep: "{{ sleep }}"
        wait_timeout: 120
      register: waited
      failed_when: waited.export_tasks | rejectattr('status', 'equalto', 'SUCCESS') | list | length > 0
'''


class Row:
    """One way of listing, measured: wall and CPU seconds, requests, peak in flight, RSS in MiB."""

    FIELDS = ('wall', 'tasks_wall', 'cpu', 'requests', 'in_flight', 'tree_rss', 'listing_rss', 'emulator_cpu', 'server_ms')

    def __init__(self, **values):
        for field in self.FIELDS:
            setattr(self, field, values[field])

    @classmethod
    def median(cls, rows):
        """Each field's median (the lower one for an even count; None when a way does not have that field)."""
        values = {}
        for field in cls.FIELDS:
            known = [getattr(row, field) for row in rows if getattr(row, field) is not None]
            values[field] = statistics.median_low(known) if known else None
        return cls(**values)


def playbook_way(text):
    def run(workdir, emulator, expected):
        result = run_playbook(workdir, text, dict(emulator_vars(emulator), expected=expected))
        tasks_wall = None
        if result.timings:
            tasks_wall = max(entry['end'] for entry in result.timings) - min(entry['start'] for entry in result.timings)
        return result.wall, tasks_wall, result.cpu, result.tree_rss_mib, result.listing_rss_mib()
    return run


def python_way(kind):
    def run(workdir, emulator, expected):
        env = without_cloud_credentials(os.environ)
        result = measure([os.path.join(BIN, 'python'), os.path.join(ROOT, 'benchmarks', '_inprocess.py'), kind,
                          emulator.url, emulator.project_id, emulator.access_key, emulator.secret_key], env=env)
        if result.returncode != 0:
            raise SystemExit('%s loop failed:\n%s' % (kind, result.stderr[-5000:]))
        loop = json.loads(result.stdout)
        if loop['tasks'] != expected:
            raise SystemExit('%s loop found %d tasks, not %d' % (kind, loop['tasks'], expected))
        # The loop alone (in-process), not the interpreter's start-up and imports; RSS is the whole process's.
        return loop['wall'], loop['wall'], loop['cpu'], loop['rss_mib'], loop['rss_mib']
    return run


WAYS = (
    ('empty playbook', playbook_way(EMPTY)),
    ('one ping', playbook_way(PING)),
    ('export_task_info', playbook_way(LIST_WITH_MODULE)),
    ('lookup', playbook_way(LOOKUP)),
    ('uri loop', playbook_way(URI_LOOP)),
    ('SDK loop (in-process)', python_way('sdk')),
    ('client (in-process)', python_way('client')),
)


def measure_once(way, workdir, emulator, expected):
    emulator.clear_log()
    emulator_before = cpu_seconds(emulator.process.pid)
    wall, tasks_wall, cpu, tree_rss, listing_rss = way(workdir, emulator, expected)
    emulator_cpu = cpu_seconds(emulator.process.pid) - emulator_before
    log = list_requests(emulator.requests_log())
    server_ms = [entry['server_ms'] for entry in log if entry.get('server_ms') is not None]
    return Row(wall=wall, tasks_wall=tasks_wall, cpu=cpu, requests=len(log), in_flight=peak_in_flight(log), tree_rss=tree_rss,
               listing_rss=listing_rss, emulator_cpu=emulator_cpu, server_ms=statistics.median(server_ms) if server_ms else None)


def measure_ways(workdir, emulator, expected, repeat, uri_repeat):
    """{way: the medians of its runs}; the ways take turns, so that a burst of load on the machine hits all of them."""
    runs = dict((name, []) for name, _ in WAYS)
    for turn in range(max(repeat, uri_repeat)):
        for name, way in WAYS:
            if turn < (uri_repeat if name == 'uri loop' else repeat):
                runs[name].append(measure_once(way, workdir, emulator, expected))
    return dict((name, Row.median(rows)) for name, rows in runs.items() if rows)


def fmt(value, pattern='%.2f'):
    return 'n/a' if value is None else pattern % value


def print_table(latency, rows, repeat, uri_repeat):
    print('\n### %g ms per request (medians of %d runs; uri loop: %d)\n' % (latency, repeat, uri_repeat))
    header = ('way', 'wall s', 'tasks s', 'requests', 'peak in flight', 'CPU s', 'RSS MiB largest process',
              'RSS MiB listing process', 'emulator CPU s', 'server ms per page')
    print('| %s |' % ' | '.join(header))
    print('|---|%s|' % '|'.join('---:' for _ in header[1:]))
    for name, row in rows.items():
        print('| %s | %.2f | %s | %d | %d | %.2f | %.0f | %s | %.2f | %s |' % (
            name, row.wall, fmt(row.tasks_wall), row.requests, row.in_flight, row.cpu, row.tree_rss,
            fmt(row.listing_rss, '%.0f'), row.emulator_cpu, fmt(row.server_ms, '%.1f')))


def measure_polls(workdir, emulator, latency, running, sleep):
    """A wait on `running` tasks that all finish just after the wait's third poll: its list requests, by burst."""
    emulator.inject({'latency_ms': latency})
    task_ids = ['running-%g-%04d' % (latency, index) for index in range(running)]
    emulator.add_tasks([{'task_id': task_id, 'file_name': task_id + '.xlsx', 'status': 'CREATING'} for task_id in task_ids])
    emulator.clear_log()
    # Bursts: finding the tasks, then one per poll; the tasks finish 0.2 s after the third poll's first answer.
    finisher = Finisher(emulator, [(0.2, task_ids)], after_bursts=4, quiet=sleep / 2.0)
    finisher.start()
    result = run_playbook(workdir, WAIT, dict(emulator_vars(emulator), task_ids=task_ids, sleep=sleep))
    finisher.join()
    log = list_requests(emulator.requests_log())
    return result, log, bursts(log, quiet=sleep / 2.0)


def print_polls(latency, running, sleep, measured):
    result, log, groups = measured
    print('\nWait on %d running tasks (module, wait_sleep %g s) at %g ms: %.2f s, %d list requests'
          % (running, sleep, latency, result.wall, len(log)))
    print('| burst | what | requests | peak in flight | duration ms |')
    print('|---:|---|---:|---:|---:|')
    for index, group in enumerate(groups):
        what = 'finding the tasks' if index == 0 else 'poll' if index < len(groups) - 1 else 'last poll + final records'
        print('| %d | %s | %d | %d | %.0f |' % (index + 1, what, len(group), peak_in_flight(group), span(group) * 1000))
    polls = groups[1:-1]
    if not polls:
        return None
    return max(len(group) for group in polls), max(span(group) for group in polls)


# The issue subtracts the ping floor (one module run). Over a local connection export_task_info now runs in
# the controller (no module run) and the lookup never runs one: the empty playbook is the stricter floor.
JUDGED = (('export_task_info', 'one ping'), ('export_task_info', 'empty playbook'), ('lookup', 'empty playbook'))
FLOOR_NAMES = {'one ping': 'ping', 'empty playbook': 'empty-playbook'}


def verdict(ok):
    return 'met' if ok else 'NOT met'


def target_rows(by_latency, polls, pages, running):
    """(target, measured, verdict) for each target of issue 10 that this run measured.

    Each time-based target is judged twice: on wall times (as the issue words it) and on task times
    (without ansible-playbook's start-up, the noisiest part on a loaded machine)."""
    rows = []

    def both(target, walls, tasks, bound, pattern='%.2f s'):
        rows.append((target + ' (walls)', pattern % walls, verdict(walls <= bound)))
        rows.append((target + ' (task times)', pattern % tasks, verdict(tasks <= bound)))

    def net(ways, name, floor):
        return ways[name].wall - ways[floor].wall, ways[name].tasks_wall - (ways[floor].tasks_wall or 0.0)

    if 50.0 in by_latency:
        ways = by_latency[50.0]
        bound = 0.4 * pages * 0.050
        sdk = ways['SDK loop (in-process)'].wall
        for name, floor in JUDGED:
            walls, tasks = net(ways, name, floor)
            label = '%s - %s floor' % (name, FLOOR_NAMES[floor])
            both('50 ms: %s <= 0.4 x %d x 50 ms = %.2f s' % (label, pages, bound), walls, tasks, bound)
            rows.append(('50 ms: SDK loop %.2f s / (%s) >= 2.5x (walls)' % (sdk, label),
                         '%.1fx' % (sdk / walls) if walls > 0 else 'below the floor', verdict(walls <= sdk / 2.5)))
    if 0.0 in by_latency:
        ways = by_latency[0.0]
        uri, module = ways.get('uri loop'), ways['export_task_info']
        if uri:
            rows.append(('0 ms: uri loop / export_task_info >= 25x (walls)', '%.1fx' % (uri.wall / module.wall),
                         verdict(uri.wall >= 25 * module.wall)))
            rows.append(('0 ms: uri loop / export_task_info >= 25x (task times)', '%.1fx' % (uri.tasks_wall / module.tasks_wall),
                         verdict(uri.tasks_wall >= 25 * module.tasks_wall)))
        sdk = ways['SDK loop (in-process)'].wall
        for floor in ('one ping', 'empty playbook'):
            walls, tasks = net(ways, 'export_task_info', floor)
            both('0 ms: export_task_info - %s floor <= 1.5 x SDK loop = 1.5 x %.2f = %.2f s' % (FLOOR_NAMES[floor], sdk, 1.5 * sdk),
                 walls, tasks, 1.5 * sdk)
    rss = max(ways['export_task_info'].listing_rss or 0 for ways in by_latency.values())
    tree = max(ways['export_task_info'].tree_rss for ways in by_latency.values())
    rows.append(('export_task_info run: peak RSS of the listing process <= 80 MiB', '%.0f MiB' % rss, verdict(rss <= 80)))
    rows.append(('export_task_info run: peak RSS of its largest process <= 80 MiB', '%.0f MiB' % tree, verdict(tree <= 80)))
    for latency, poll in sorted(polls.items()):
        if poll is None:
            rows.append(('%g ms: polls of %d running tasks' % (latency, running), 'no poll between the first and the last burst', 'not measured'))
            continue
        requests, duration = poll
        rows.append(('%g ms: each poll of %d running tasks <= 4 list requests' % (latency, running), '%d' % requests, verdict(requests <= 4)))
        if latency:
            rows.append(('%g ms: each poll <= 2 x %g ms' % (latency, latency), '%.0f ms' % (duration * 1000),
                         verdict(duration <= 2 * latency / 1000.0)))
    return rows


def print_targets(by_latency, polls, pages, running):
    print('\n### Targets (issue 10)\n')
    print('| target | measured | |')
    print('|---|---:|---|')
    for row in target_rows(by_latency, polls, pages, running):
        print('| %s | %s | %s |' % row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--tasks', type=int, default=10000, help='finished tasks in the emulator (default: %(default)s)')
    parser.add_argument('--latency-ms', type=float, nargs='+', default=[0.0, 50.0], help='latencies per request (default: 0 50)')
    parser.add_argument('--repeat', type=int, default=3, help='runs of each way; medians are shown (default: %(default)s)')
    parser.add_argument('--uri-repeat', type=int, default=1, help='runs of the uri loop; 0 leaves it out (default: %(default)s)')
    parser.add_argument('--running', type=int, default=300, help='running tasks for the poll measurement (default: %(default)s)')
    parser.add_argument('--sleep', type=float, default=1.0, help='wait_sleep of the poll measurement (default: %(default)s)')
    args = parser.parse_args()

    pages = -(-args.tasks // PAGE)
    seed = {'tasks': [{'task_id': 'task-%05d' % n, 'file_name': 'export-%05d.xlsx' % n, 'status': 'SUCCESS'}
                      for n in range(args.tasks)]}
    print('before: ' + environment_line())
    by_latency, polls = {}, {}
    with tempfile.TemporaryDirectory(prefix='hwcloud-bench-') as workdir, EmulatorProcess(seed=seed) as emulator:
        for latency in args.latency_ms:
            emulator.inject({'latency_ms': latency})
            rows = measure_ways(workdir, emulator, args.tasks, args.repeat, args.uri_repeat)
            by_latency[latency] = rows
            print_table(latency, rows, args.repeat, args.uri_repeat)
        for latency in args.latency_ms:
            measured = measure_polls(workdir, emulator, latency, args.running, args.sleep)
            polls[latency] = print_polls(latency, args.running, args.sleep, measured)
    print_targets(by_latency, polls, pages, args.running)
    print('\nafter: ' + environment_line())
    return 0


if __name__ == '__main__':
    sys.exit(main())
