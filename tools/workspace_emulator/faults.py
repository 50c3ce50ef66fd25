# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Faults queued through the admin API, applied to the next API requests in order, and the settings that shape
every answer from then on (latency, list behaviours)."""

import random
import threading
import urllib.parse

# What the cloud's gateway answers for these statuses; other injected statuses get a generic body.
GATEWAY_ERRORS = {
    429: ('APIGW.0308', 'The throttling threshold has been reached.'),
    502: ('APIGW.0202', 'The backend is unavailable.'),
    503: ('APIGW.0202', 'The backend is unavailable.'),
    504: ('APIGW.0201', 'The backend timed out.'),
}
# Queued: each applies to `count` requests, in order.
QUEUED_KINDS = ('pass', 'status', 'drop', 'malformed', 'respond', 'redirect', 'reset', 'trickle', 'slow', 'together')
# Settings: applied at once to every following request, until changed (or DELETE /_emulator/faults for the list ones).
SETTING_KINDS = ('latency_ms', 'latency_jitter_ms', 'ignore_offset', 'count_growing', 'churn', 'hide_downloaded')
KINDS = QUEUED_KINDS + SETTING_KINDS
FIELDS = {
    'pass': ('pass',),
    'status': ('status', 'count', 'retry_after', 'error_code', 'error_msg'),
    'drop': ('drop', 'after_handling'),
    'malformed': ('malformed',),
    'respond': ('respond', 'count'),
    'redirect': ('redirect', 'count', 'redirect_status'),
    'reset': ('reset', 'after_bytes'),
    'trickle': ('trickle', 'interval_ms'),
    'slow': ('slow', 'delay_ms'),
    'together': ('together', 'size', 'wait_ms'),
}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHURN_FIELDS = ('finish', 'create', 'order', 'finish_after')
CHURN_ORDERS = ('oldest', 'random')


class FaultError(ValueError):
    """An invalid fault description; answered with 400."""


def _positive_int(spec, name, default=None):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultError('%s must be an integer >= 1, got %r' % (name, value))
    return value


def _non_negative_int(spec, name, default=0):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultError('%s must be an integer >= 0, got %r' % (name, value))
    return value


def _non_negative_number(spec, name, default=None):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise FaultError('%s must be a number >= 0, got %r' % (name, value))
    return value


class Gathering:
    """Requests held until `size` of them are held at once, then let go together: a test that they were sent
    concurrently which no scheduling can fail (a sequential client sends the second only after the first was answered,
    so each of its requests waits out the time allowed alone)."""

    def __init__(self, size):
        self._size = size
        self._condition = threading.Condition()
        self._held = 0
        self._round = 0

    def join(self, timeout):
        """Hold the calling request until `size` are held (True), or for timeout seconds (False: let go alone)."""
        with self._condition:
            joined = self._round
            self._held += 1
            if self._held >= self._size:
                self._round += 1
                self._held = 0
                self._condition.notify_all()
                return True
            if self._condition.wait_for(lambda: self._round != joined, timeout):
                return True
            self._held -= 1
            return False


class Fault:
    """One queued fault; `kind` is one of QUEUED_KINDS, `options` its validated fields."""

    def __init__(self, kind, count, **options):
        self.kind = kind
        self.remaining = count
        self.options = options
        self.__dict__.update(options)  # fault.status, fault.location, fault.interval_ms, ...

    @classmethod
    def from_spec(cls, spec, kind):
        unknown = sorted(set(spec) - set(FIELDS[kind]))
        if unknown:
            raise FaultError('unknown field(s) %s in a %s fault; allowed: %s' % (', '.join(unknown), kind, ', '.join(FIELDS[kind])))
        if kind in ('pass', 'malformed'):
            return cls(kind, _positive_int(spec, kind))
        if kind == 'drop':
            # after_handling: the request is handled (an export is started) before the connection is closed unanswered.
            after_handling = spec.get('after_handling', False)
            if not isinstance(after_handling, bool):
                raise FaultError('after_handling must be true or false, got %r' % (after_handling,))
            return cls(kind, _positive_int(spec, kind), after_handling=after_handling or None)
        if kind == 'reset':
            # Bytes of the body sent before the reset; None: half of it.
            after_bytes = None if spec.get('after_bytes') is None else _non_negative_int(spec, 'after_bytes')
            return cls(kind, _positive_int(spec, kind), after_bytes=after_bytes)
        if kind == 'trickle':
            return cls(kind, _positive_int(spec, kind), interval_ms=_non_negative_number(spec, 'interval_ms', 100))
        if kind == 'slow':
            return cls(kind, _positive_int(spec, kind), delay_ms=_non_negative_number(spec, 'delay_ms', 1000))
        if kind == 'together':
            fault = cls(kind, _positive_int(spec, kind), size=_positive_int(spec, 'size', 2),
                        wait_ms=_non_negative_number(spec, 'wait_ms', 10000))
            fault.gathering = Gathering(fault.size)
            return fault
        if kind == 'redirect':
            return cls._redirect(spec)
        if kind == 'respond':
            # Any JSON document, answered with 200: records without task_id, a wrong count, another shape...
            return cls(kind, _positive_int(spec, 'count', 1), document=spec['respond'])
        return cls._status(spec)

    @classmethod
    def _redirect(cls, spec):
        location = spec['redirect']
        parsed = urllib.parse.urlsplit(location) if isinstance(location, str) else None
        if parsed is None or parsed.scheme not in ('http', 'https') or not parsed.netloc:
            raise FaultError('redirect must be an absolute http(s) URL, got %r' % (location,))
        status = spec.get('redirect_status', 302)
        if status not in REDIRECT_STATUSES or isinstance(status, bool):
            raise FaultError('redirect_status must be one of %s, got %r' % (', '.join(map(str, REDIRECT_STATUSES)), status))
        return cls('redirect', _positive_int(spec, 'count', 1), location=location, status=status)

    @classmethod
    def _status(cls, spec):
        status = spec['status']
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultError('status must be an HTTP error status from 400 to 599, got %r' % (status,))
        default_code, default_msg = GATEWAY_ERRORS.get(status, ('EMULATOR.FAULT', 'Injected fault: HTTP %d.' % status))
        retry_after = spec.get('retry_after', 1 if status == 429 else None)
        if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0):
            raise FaultError('retry_after must be a whole number of seconds >= 0, got %r' % (retry_after,))
        for name in ('error_code', 'error_msg'):
            if not isinstance(spec.get(name, ''), str):
                raise FaultError('%s must be a string' % name)
        return cls('status', _positive_int(spec, 'count', 1), status=status, retry_after=retry_after,
                   error_code=spec.get('error_code', default_code), error_msg=spec.get('error_msg', default_msg))

    def describe(self):
        if self.kind in ('pass', 'drop', 'malformed', 'reset', 'trickle', 'slow', 'together'):
            described = {self.kind: self.remaining}
            described.update((name, value) for name, value in self.options.items() if value is not None)
            return described
        if self.kind == 'redirect':
            return {'redirect': self.location, 'redirect_status': self.status, 'count': self.remaining}
        if self.kind == 'respond':
            return {'respond': self.document, 'count': self.remaining}
        described = {'status': self.status, 'count': self.remaining, 'error_code': self.error_code, 'error_msg': self.error_msg}
        if self.retry_after is not None:
            described['retry_after'] = self.retry_after
        return described


def spec_kind(spec):
    if not isinstance(spec, dict):
        raise FaultError('a fault must be a JSON object, got %r' % (spec,))
    kinds = [kind for kind in KINDS if kind in spec]
    if kinds == ['status', 'redirect']:
        raise FaultError('a redirect takes its status as redirect_status')
    if len(kinds) != 1:
        raise FaultError('a fault needs exactly one of %s' % ', '.join(KINDS))
    return kinds[0]


def _churn(spec):
    churn = spec['churn']
    if churn is None:
        return None
    if not isinstance(churn, dict):
        raise FaultError('churn must be an object with %s, or null to turn it off' % ', '.join(CHURN_FIELDS))
    unknown = sorted(set(churn) - set(CHURN_FIELDS))
    if unknown:
        raise FaultError('unknown churn field(s) %s; allowed: %s' % (', '.join(unknown), ', '.join(CHURN_FIELDS)))
    order = churn.get('order', 'oldest')
    if order not in CHURN_ORDERS:
        raise FaultError('churn order must be one of %s, got %r' % (', '.join(CHURN_ORDERS), order))
    validated = {'finish': _non_negative_int(churn, 'finish'), 'create': _non_negative_int(churn, 'create'), 'order': order,
                 'finish_after': None if churn.get('finish_after') is None else _non_negative_number(churn, 'finish_after')}
    if not (validated['finish'] or validated['create']):
        raise FaultError('churn needs finish or create >= 1 (null turns churn off)')
    return validated


class ListBehaviour:
    """How the next list answer is bent: offset ignored, count inflated, data changed first (churn), an absent
    is_download read as false (hide_downloaded: the other reading of the API's "true or false (default)")."""

    def __init__(self, ignore_offset, extra_count, churn, hide_downloaded):
        self.ignore_offset = ignore_offset
        self.extra_count = extra_count
        self.churn = churn
        self.hide_downloaded = hide_downloaded


class FaultQueue:
    """Thread-safe queue of faults plus the settings (latency and list behaviours)."""

    def __init__(self, latency_ms=0, hide_downloaded=False):
        self._lock = threading.Lock()
        self._faults = []
        self._latency_ms = latency_ms
        self._latency_jitter_ms = 0
        self._random = random.Random()
        self._initial_hide_downloaded = hide_downloaded  # what clear() goes back to (--hide-downloaded)
        self._reset_list_settings()

    def _reset_list_settings(self):
        self._ignore_offset = False
        self._count_growing = 0
        self._list_answers = 0
        self._churn = None
        self._hide_downloaded = self._initial_hide_downloaded

    @property
    def latency_ms(self):
        with self._lock:
            return self._latency_ms

    def request_latency_ms(self):
        """The delay of one request: latency_ms plus a uniformly random share of latency_jitter_ms."""
        with self._lock:
            return self._latency_ms + (self._random.uniform(0, self._latency_jitter_ms) if self._latency_jitter_ms else 0)

    def add(self, specs):
        """Queue one fault object or a list of them, all or none; settings change at once."""
        specs = specs if isinstance(specs, list) else [specs]
        settings = {}
        faults = []
        for spec in specs:
            kind = spec_kind(spec)
            if kind not in SETTING_KINDS:
                faults.append(Fault.from_spec(spec, kind))
                continue
            if len(spec) != 1:
                raise FaultError('a %s setting takes only {"%s": value}' % (kind, kind))
            if kind in ('latency_ms', 'latency_jitter_ms'):
                settings[kind] = _non_negative_number(spec, kind)
            elif kind in ('ignore_offset', 'hide_downloaded'):
                if not isinstance(spec[kind], bool):
                    raise FaultError('%s must be true or false, got %r' % (kind, spec[kind]))
                settings[kind] = spec[kind]
            elif kind == 'count_growing':
                settings[kind] = _non_negative_int(spec, kind)
            else:
                settings[kind] = _churn(spec)
        with self._lock:
            self._faults.extend(faults)
            self._latency_ms = settings.get('latency_ms', self._latency_ms)
            self._latency_jitter_ms = settings.get('latency_jitter_ms', self._latency_jitter_ms)
            self._ignore_offset = settings.get('ignore_offset', self._ignore_offset)
            if 'count_growing' in settings:
                self._count_growing = settings['count_growing']
                self._list_answers = 0
            self._churn = settings.get('churn', self._churn)
            self._hide_downloaded = settings.get('hide_downloaded', self._hide_downloaded)
        return self.state()

    def take(self):
        """The fault for the next API request, or None."""
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.pop(0)
            return fault

    def list_behaviour(self):
        """The settings for one list answer (counts the answer for count_growing)."""
        with self._lock:
            self._list_answers += 1
            return ListBehaviour(self._ignore_offset, self._count_growing * self._list_answers, self._churn, self._hide_downloaded)

    def clear(self):
        """Drop the queued faults and turn the list behaviours off (hide_downloaded back to its start-up value); the latency stays."""
        with self._lock:
            self._faults = []
            self._reset_list_settings()
        return self.state()

    def state(self):
        with self._lock:
            return {'faults': [fault.describe() for fault in self._faults], 'latency_ms': self._latency_ms,
                    'latency_jitter_ms': self._latency_jitter_ms,
                    'ignore_offset': self._ignore_offset, 'count_growing': self._count_growing, 'churn': self._churn,
                    'hide_downloaded': self._hide_downloaded}
