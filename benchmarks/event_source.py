# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source hwcloud.workspace.export_tasks against the emulator holding a project of --tasks export tasks
(issue 29): list requests at start and per poll for 1 and for --sources sources started together, how many of them
fall in the busiest second, the peak RSS of the process that runs them, and the time from an export's finish to
its event at the default interval. Nothing is asserted: it prints what it measured.

    .venv/bin/python benchmarks/event_source.py                 # about 4 minutes
    .venv/bin/python benchmarks/event_source.py --samples 0     # without the default-interval part (1 minute)

Each scenario runs its sources in a child process of this script (the same source code ansible-rulebook runs,
one asyncio loop, each source with its own connection as each activation has), so that the RSS is its own.
"""

import argparse
import asyncio
import datetime
import importlib.util
import json
import os
import platform
import random
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
PLUGIN = os.path.join(COLLECTIONS, 'ansible_collections', 'hwcloud', 'workspace', 'extensions', 'eda', 'plugins',
                      'event_source', 'export_tasks.py')


def load_plugin():
    sys.path.insert(0, COLLECTIONS)
    spec = importlib.util.spec_from_file_location('export_tasks_event_source', PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(options):
    """Run options.sources sources until each has polled options.polls times (or, with --events, until that many
    events came); print JSON lines: when the starts were done, each event, and the totals."""
    plugin = load_plugin()
    polls = {'count': 0}
    original_poll = plugin._watch.Watch.poll

    def counted_poll(watch):
        polls['count'] += 1
        return original_poll(watch)

    plugin._watch.Watch.poll = counted_poll

    def say(**fields):
        print(json.dumps(fields), flush=True)

    async def run():
        queue = asyncio.Queue()
        args = {} if options.interval is None else {'interval': options.interval}
        sources = [plugin.ExportTaskSource(dict(args)) for dummy in range(options.sources)]
        tasks = [asyncio.ensure_future(source.run(queue)) for source in sources]
        while not all(source.watch is not None and source.watch.last_poll is not None for source in sources):
            await asyncio.sleep(0.01)
        say(started=time.monotonic())
        events = 0
        while (polls['count'] < options.sources * options.polls) if options.events == 0 else events < options.events:
            try:
                event = await asyncio.wait_for(queue.get(), 0.05)
            except asyncio.TimeoutError:
                continue
            events += 1
            say(event=event['export_task']['task_id'], at=time.monotonic())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(run())
    say(polls=polls['count'], peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)


def api_time(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def project(count, rng):
    """count finished tasks created over the last 30 days (oldest first) and 20 running ones among them."""
    now = datetime.datetime.now(datetime.timezone.utc)
    moments = sorted(now - datetime.timedelta(seconds=rng.uniform(3600, 30 * 86400)) for dummy in range(count))
    running = set(rng.sample(range(count), 20))
    tasks = []
    for number, moment in enumerate(moments):
        task = {'task_id': 'bench-%06d' % number, 'file_name': 'export-%06d.xlsx' % number,
                'create_time': api_time(moment), 'status': 'CREATING' if number in running else 'SUCCESS'}
        if number not in running:
            task['end_time'] = api_time(moment + datetime.timedelta(seconds=30))
        tasks.append(task)
    return {'tasks': tasks}


def start_child(emulator, sources, interval, polls, events=0):
    environment = emulator.user_environment()
    command = [sys.executable, os.path.abspath(__file__), '--child', '--sources', str(sources),
               '--polls', str(polls), '--events', str(events)]
    if interval is not None:
        command += ['--interval', str(interval)]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, universal_newlines=True)


def lines_of(process, timeout=600):
    """The child's JSON lines as they come (killed after timeout seconds)."""
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            yield json.loads(line)
    finally:
        timer.cancel()
        process.wait()


def busiest_second(entries):
    starts = sorted(entry['started'] for entry in entries)
    busiest, first = 0, 0
    for last, moment in enumerate(starts):
        while moment - starts[first] >= 1.0:
            first += 1
        busiest = max(busiest, last - first + 1)
    return busiest


def requests_scenario(emulator, sources, interval, polls):
    from benchmarks._emulator import list_requests  # pylint: disable=import-outside-toplevel

    emulator.clear_log()
    began = time.monotonic()
    process = start_child(emulator, sources, interval, polls)
    results = {}
    for line in lines_of(process):
        results.update(line)
    log = list_requests(emulator.requests_log())
    at_start = [entry for entry in log if entry['started'] <= results['started']]
    later = [entry for entry in log if entry['started'] > results['started']]
    return {
        'sources': sources,
        'start requests': len(at_start),
        'start requests per source': len(at_start) / float(sources),
        'start s': results['started'] - began,
        'busiest second at start': busiest_second(at_start),
        'polls': results['polls'],
        'requests per poll': len(later) / float(max(results['polls'], 1)),
        'busiest second later': busiest_second(later),
        'peak RSS MiB': results['peak_rss_mib'],
    }


def latency_scenario(emulator, samples, rng):
    """One source at the default interval; samples running exports finished one by one at random moments:
    seconds from each finish to its event."""
    running = emulator.add_tasks([{'file_name': 'latency-%d.xlsx' % number, 'status': 'CREATING'}
                                  for number in range(samples)])
    process = start_child(emulator, 1, None, 0, events=samples)
    lines = lines_of(process, timeout=60 * (samples + 2))
    next(line for line in lines if 'started' in line)
    finished = {}

    def finish_them():
        for task in running:
            time.sleep(rng.uniform(5, 40))
            finished[task['task_id']] = time.monotonic()
            emulator.finish_tasks([task['task_id']])

    finisher = threading.Thread(target=finish_them, daemon=True)
    finisher.start()
    delays, peak = [], None
    for line in lines:
        if 'event' in line:
            delays.append(line['at'] - finished[line['event']])
        if 'peak_rss_mib' in line:
            peak = line['peak_rss_mib']
    return delays, peak


def describe():
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, stdout=subprocess.PIPE,
                            universal_newlines=True, check=False).stdout.strip()
    return 'commit %s, Python %s, %d cores, %s UTC, load average %s' % (
        commit, platform.python_version(), os.cpu_count(), datetime.datetime.now(datetime.timezone.utc)
        .strftime('%Y-%m-%d %H:%M'), ' '.join('%.2f' % value for value in os.getloadavg()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--tasks', type=int, default=5000, help='export tasks in the project')
    parser.add_argument('--sources', type=int, default=50, help='sources started together, besides the one alone')
    parser.add_argument('--interval', type=float, default=None, help='source interval (child; default: its default)')
    parser.add_argument('--poll-interval', type=float, default=2.0, help='interval of the request-count scenarios')
    parser.add_argument('--polls', type=int, default=5, help='polls per source in the request-count scenarios')
    parser.add_argument('--samples', type=int, default=4, help='exports timed at the default interval (0: none)')
    parser.add_argument('--latency-ms', type=int, default=0, help="the emulator's latency per request")
    parser.add_argument('--events', type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options)
        return
    from tools.workspace_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    if not os.path.exists(PLUGIN):
        sys.exit('%s is missing: make .build/collections/ansible_collections/hwcloud/workspace first' % PLUGIN)
    rng = random.Random(29)
    print('before: %s' % describe())
    with EmulatorProcess(seed=project(options.tasks, rng), latency_ms=options.latency_ms or None) as emulator:
        print('\nProject: %d export tasks (20 running), emulator latency %d ms; sources poll every %g s for %d polls'
              % (options.tasks, options.latency_ms, options.poll_interval, options.polls))
        rows = [requests_scenario(emulator, count, options.poll_interval, options.polls)
                for count in (1, options.sources)]
        columns = list(rows[0])
        print('\n| %s |\n|%s|' % (' | '.join(columns), '|'.join('---:' for dummy in columns)))
        for row in rows:
            print('| %s |' % ' | '.join(('%.2f' % value if isinstance(value, float) else str(value))
                                        for value in row.values()))
        if options.samples:
            delays, peak = latency_scenario(emulator, options.samples, rng)
            print('\nFinish to event at the default interval (30 s, +/-10 %%), %d exports finished at random moments: '
                  '%s s (mean %.1f s, max %.1f s); peak RSS of the one source %.1f MiB'
                  % (len(delays), ', '.join('%.1f' % delay for delay in delays),
                     sum(delays) / max(len(delays), 1), max(delays or [0.0]), peak or 0.0))
    print('\nafter: %s' % describe())


if __name__ == '__main__':
    main()
