# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the emulator's request log says: list requests, how many were in flight together, polls."""

LIST_PATH_SUFFIX = '/export-tasks'


def list_requests(log):
    """The export-task list requests of an emulator request log, in order of arrival."""
    return [entry for entry in log if entry['path'].endswith(LIST_PATH_SUFFIX)]


def timed(entries):
    """True when every entry has the times the emulator records (started, ended: seconds)."""
    return bool(entries) and all(entry.get('started') is not None and entry.get('ended') is not None for entry in entries)


def peak_in_flight(entries):
    """The most requests the emulator was serving at once (None without times in the log)."""
    if not timed(entries):
        return None
    # At equal times an end comes before a start: back-to-back requests were not in flight together.
    events = sorted([(entry['started'], 1) for entry in entries] + [(entry['ended'], -1) for entry in entries])
    peak = in_flight = 0
    for _, step in events:
        in_flight += step
        peak = max(peak, in_flight)
    return peak


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
