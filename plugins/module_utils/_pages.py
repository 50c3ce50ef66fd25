# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Reading a paged list: pages in flight together, every record once, and paging that always ends.

The API pages by offset, and its list changes while it is read: a task that finishes leaves a
status=CREATING list, so every record after it moves one place up, and a page asked for next would skip
one. Each page after the first therefore starts on the last record of the one before it. A page that
shares a record with the page before it proves that nothing between them was skipped (both are
contiguous slices of the same ordering); when the shared record is missing, the pages are read again
from where the proof broke. The proof holds for every record that stayed in the list for the whole read.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import contextlib
import itertools
import threading

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError, WorkspaceError

PAGE_SIZE = 100
# The most export tasks one listing holds (about 0.5 KB each: some 50 MB by default, 500 MB at the ceiling), whatever
# count a server claims or however many pages it sends: the option max_tasks of every front end that lists,
# documented by the doc fragment hwcloud.workspace.listing (plugins/doc_fragments/listing.py).
DEFAULT_MAX_TASKS = 100000
MAX_TASKS_CEILING = 1000000
MAX_TASKS_ARG_SPEC = dict(max_tasks=dict(type='int', default=DEFAULT_MAX_TASKS))
# Records each page shares with the one before it (see the module docstring).
OVERLAP = 1
# Pages in a row that bring no record not seen before: then the API is not paging (it ignores offset).
STALLS_ALLOWED = 2


class TooManyTasks(WorkspaceError):
    """A listing would hold more than max_tasks tasks."""


def check_max_tasks(value):
    """max_tasks as a whole number from 1 to MAX_TASKS_CEILING (checked before any request), the error naming it."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TASKS_CEILING:
        raise WorkspaceConfigError('max_tasks must be a whole number from 1 to %d, got %r' % (MAX_TASKS_CEILING, value))
    return value


def in_order(calls, concurrency):
    """Yield the results of calls (an iterable of callables without arguments) in order, up to concurrency at once.

    A window: at most concurrency calls are running or waiting to be read at any moment, and the next call is
    taken from calls only when a result has been handed over. So nothing runs more than concurrency calls
    ahead of the consumer, calls may be a generator that reads what the consumer did with the results so far,
    and nothing is allocated for calls not yet taken. With concurrency 1 the calls run one after the other
    in this thread. Leaving the loop early (or an exception) cancels the calls not started yet; the running
    ones end first. Use it in a contextlib.closing() block so that an early exit cancels at once.
    """
    calls = iter(calls)
    if concurrency <= 1:
        for call in calls:
            yield call()
        return
    window = collections.deque()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        try:
            window.extend(pool.submit(call) for call in itertools.islice(calls, concurrency))
            while window:
                yield window.popleft().result()
                # The consumer took that result and asks for the next one: one more call may start.
                window.extend(pool.submit(call) for call in itertools.islice(calls, 1))
        finally:
            for future in window:
                future.cancel()


class Page:
    """One answer: the records at offset, and the API's count at that moment."""

    def __init__(self, offset, records, count):
        self.offset = offset
        self.records = records
        self.count = count
        self.ids = [record['task_id'] for record in records]

    @property
    def end(self):
        return self.offset + len(self.records)

    @property
    def is_last(self):
        return self.end >= self.count


class Pager:
    """The pages of one query.

    fetch(offset, limit) returns (records, count) for one request; fail(detail) returns the exception that
    says the API's answers cannot be paged (raised, never retried: asking again gets the same answers).
    read_all holds at most max_tasks records: past that it fails (TooManyTasks), so memory stays bounded.
    """

    def __init__(self, fetch, concurrency, fail, max_tasks=DEFAULT_MAX_TASKS):
        self.fetch = fetch
        self.concurrency = concurrency
        self.fail = fail
        self.max_tasks = max_tasks
        self.requests = 0
        self.largest_count = 0
        self.smallest_count = None
        self.step = None
        self.first_count = None
        self._lock = threading.Lock()

    def page(self, offset, limit=PAGE_SIZE):
        with self._lock:
            self._check_budget()
            self.requests += 1
        records, count = self.fetch(offset, limit)
        with self._lock:
            self.largest_count = max(self.largest_count, count)
            self.smallest_count = count if self.smallest_count is None else min(self.smallest_count, count)
        if records and offset + len(records) > count:
            raise self.fail('the API answered %d task(s) at offset %d although its count is %d'
                            % (len(records), offset, count))
        if not records and offset < count:
            raise self.fail('the API answered no task at offset %d although its count is %d' % (offset, count))
        return Page(offset, records, count)

    def pages(self, offsets, limit=PAGE_SIZE):
        """Pages at these offsets, in order, fetched concurrently (see in_order)."""
        return in_order((lambda offset=offset: self.page(offset, limit) for offset in offsets), self.concurrency)

    def _check_budget(self):
        """Paging must end: no request beyond what the first count can explain (once read_all knows the step).

        The list may grow to twice its first count (plus a page) while it is read, and each of its pages may be
        read four times (a page that did not link, and the reads further back that catch up with tasks leaving
        the list even when as many new ones arrive and the count stays the same); each task that left the list
        as the count fell below the first count may cost two more requests. The budget follows the first count
        and the lowest one only (not the order in which concurrent answers came back), so a count that keeps
        rising cannot keep the paging going.
        """
        if self.step is None:
            return
        pages = -(-(2 * self.first_count + PAGE_SIZE) // self.step) + 1
        allowed = 4 * pages + 16 + 2 * (self.first_count - self.smallest_count)
        if self.requests >= allowed:
            raise self.fail("paging did not end after %d requests although the API's first count was %d: its "
                            "answers do not page" % (self.requests, self.first_count))

    def read_all(self, stop=None):
        """Every record once, in the API's order, and the API's last count.

        The pages after the first go through in_order's window: at most concurrency requests in flight and at
        most concurrency pages ahead of the last page the chain accepted, whatever count the API claims.
        stop(page), when given, ends the read after the first page the chain accepts for which it is true
        (the newest tasks down to a time): the records up to there, with the same proof that none was skipped.
        """
        first = self.page(0)
        if stop is None and first.count > self.max_tasks:
            raise self.too_many(first.count)
        records = {}
        chain = _Chain(self, records)
        chain.add(first)
        # A server may cap pages below what was asked for; its first page shows its size.
        size = PAGE_SIZE if first.is_last or len(first.records) >= PAGE_SIZE else len(first.records)
        if size <= OVERLAP:
            raise self.fail('the API answers %d task(s) per page (count %d): pages must share a task to prove '
                            'that none was skipped, so they cannot be read safely' % (size, first.count))
        self.first_count = first.count
        self.step = size - OVERLAP
        while not chain.last.is_last and not (stop and stop(chain.last)):
            broken = False
            with contextlib.closing(in_order(self._following(chain, size), self.concurrency)) as pages:
                for page in pages:
                    if not chain.links(page):
                        broken = True
                        break
                    chain.add(page)
                    if page.is_last or (stop and stop(page)):
                        break
            if broken:
                chain.catch_up()
        return list(records.values()), chain.last.count

    def too_many(self, count):
        return TooManyTasks('The listing would hold more than max_tasks (%d) export tasks (the API counts %d): narrow '
                            'it (filters such as status or file_name, or task IDs), or raise max_tasks (at most %d)'
                            % (self.max_tasks, count, MAX_TASKS_CEILING))

    def _following(self, chain, size):
        """Calls for the pages after the chain's last one, a step apart, until one reaches the count.

        Taken lazily by in_order's window, so each further offset is decided after the chain accepted a page,
        from the newest count it has: nothing is computed or allocated for pages that a count merely claims.
        """
        offset = chain.last.end - OVERLAP
        while True:
            yield lambda offset=offset: self.page(offset)
            if offset + size >= chain.last.count:
                return
            offset += self.step


class _Chain:
    """Pages that provably cover the list from its start (see the module docstring)."""

    def __init__(self, pager, records):
        self.pager = pager
        self.records = records
        self.pages = []
        self.stalls = 0
        self.furthest = 0

    @property
    def last(self):
        return self.pages[-1]

    def links(self, page):
        """Whether page continues the chain: it starts the list, or shares a record with the last page."""
        return page.offset == 0 or bool(set(page.ids) & set(self.last.ids))

    def add(self, page, read_again=False):
        """Append page; read_again (a page read to re-link the chain) never counts as a stall: it may well
        bring nothing new, and the request budget bounds those reads."""
        new = [record for record in page.records if record['task_id'] not in self.records]
        if new or page.is_last:
            self.stalls = 0
        elif not read_again and page.end > self.furthest:
            # Only a page reaching past every offset read so far must bring something new: after tasks
            # left the list, pages over places already read may well bring nothing.
            self.stalls += 1
            if self.stalls > STALLS_ALLOWED:
                raise self.pager.fail('the API answered %d pages in a row (the last at offset %d) with no task '
                                      'that earlier pages had not brought: it does not page by offset'
                                      % (self.stalls, page.offset))
        if len(self.records) + len(new) > self.pager.max_tasks:
            raise self.pager.too_many(page.count)
        for record in new:
            self.records[record['task_id']] = record
        self.furthest = max(self.furthest, page.end)
        self.pages.append(page)

    def catch_up(self):
        """The next page shared no record with the last one: records before it left the list while it was
        read. Read it again 1, 2, 4... records further back, which outruns tasks that keep finishing, until
        it links; once that would start where the last page does, read the chain back instead (repair)."""
        start = self.last.end - OVERLAP
        back = 1
        while start - back > self.last.offset:
            page = self.pager.page(start - back)
            if self.links(page):
                self.add(page, read_again=True)
                return
            back *= 2
        self.repair()

    def repair(self):
        """Records before the next page left the list while it was read: read the last page's place again,
        and step back a page while that does not link (a page at offset 0 always does)."""
        while True:
            page = self.pager.page(self.last.offset)
            if self.links(page):
                self.add(page, read_again=True)
                return
            self.pages.pop()  # never the first page, at offset 0
