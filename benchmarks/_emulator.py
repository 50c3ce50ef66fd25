# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks do with the emulator: read its request log (entries with started/ended monotonic
seconds), and finish tasks on a schedule that starts when a wait has started."""

import datetime
import threading
import time

LIST_PATH_SUFFIX = '/export-tasks'


def list_requests(log):
    """The export-task list requests of an emulator request log."""
    return [entry for entry in log if entry['path'].endswith(LIST_PATH_SUFFIX)]


def bursts(entries, quiet):
    """The entries in groups separated by at least quiet seconds without a request (e.g. the polls of a wait)."""
    groups = []
    last_end = None
    for entry in sorted(entries, key=lambda item: item['started']):
        if last_end is None or entry['started'] - last_end >= quiet:
            groups.append([])
        groups[-1].append(entry)
        last_end = entry['ended'] if last_end is None else max(last_end, entry['ended'])
    return groups


def span(entries):
    """Seconds from the first request's start to the last one's end."""
    return max(entry['ended'] for entry in entries) - min(entry['started'] for entry in entries)


def end_time(record):
    """A task record's end_time in seconds since the epoch."""
    moment = datetime.datetime.strptime(record['end_time'], '%Y-%m-%dT%H:%M:%S.%fZ')
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


class Finisher(threading.Thread):
    """Finishes CREATING tasks on a schedule [(seconds, [task_id, ...]), ...] counted from the moment the
    emulator's log shows the wait under test at work: its first list request, or with after_bursts=n the
    first request of its n-th burst (bursts of requests separated by at least quiet seconds: the polls of a
    wait), however long ansible-playbook took to start. last_finish: the latest end_time of the finished
    tasks (epoch seconds). Gives up after timeout seconds without that request."""

    def __init__(self, emulator, schedule, after_bursts=1, quiet=0.5, timeout=120):
        super(Finisher, self).__init__(daemon=True)
        self.emulator = emulator
        self.schedule = sorted(schedule)
        self.after_bursts = after_bursts
        self.quiet = quiet
        self.timeout = timeout
        self.last_finish = None

    def run(self):
        deadline = time.monotonic() + self.timeout
        while len(bursts(list_requests(self.emulator.requests_log()), self.quiet)) < self.after_bursts:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        started = time.monotonic()
        for delay, task_ids in self.schedule:
            time.sleep(max(0.0, started + delay - time.monotonic()))
            records = self.emulator.finish_tasks(task_ids)
            self.last_finish = max([self.last_finish or 0.0] + [end_time(record) for record in records])
