# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""Faults queued through the admin API, applied to the next API requests in order, and the answer latency."""

import threading

# What the cloud's gateway answers for these statuses; other injected statuses get a generic body.
GATEWAY_ERRORS = {
    429: ('APIGW.0308', 'The throttling threshold has been reached.'),
    502: ('APIGW.0202', 'The backend is unavailable.'),
    503: ('APIGW.0202', 'The backend is unavailable.'),
    504: ('APIGW.0201', 'The backend timed out.'),
}
KINDS = ('status', 'drop', 'malformed', 'latency_ms')
STATUS_FIELDS = ('status', 'count', 'retry_after', 'error_code', 'error_msg')


class FaultError(ValueError):
    """An invalid fault description; answered with 400."""


def _positive_int(spec, name, default=None):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultError('%s must be an integer >= 1, got %r' % (name, value))
    return value


def _non_negative_number(spec, name):
    value = spec[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise FaultError('%s must be a number >= 0, got %r' % (name, value))
    return value


class Fault:
    """kind 'status' (an error answer), 'drop' (close without answering) or 'malformed' (200, body not JSON)."""

    def __init__(self, kind, count, status=None, retry_after=None, error_code=None, error_msg=None):
        self.kind = kind
        self.remaining = count
        self.status = status
        self.retry_after = retry_after
        self.error_code = error_code
        self.error_msg = error_msg

    @classmethod
    def from_spec(cls, spec):
        kind = spec_kind(spec)
        if kind in ('drop', 'malformed'):
            if len(spec) != 1:
                raise FaultError('a %s fault takes only {"%s": count}' % (kind, kind))
            return cls(kind, _positive_int(spec, kind))
        unknown = sorted(set(spec) - set(STATUS_FIELDS))
        if unknown:
            raise FaultError('unknown field(s) %s in a status fault; allowed: %s' % (', '.join(unknown), ', '.join(STATUS_FIELDS)))
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
        return cls('status', _positive_int(spec, 'count', 1), status, retry_after,
                   spec.get('error_code', default_code), spec.get('error_msg', default_msg))

    def describe(self):
        if self.kind != 'status':
            return {self.kind: self.remaining}
        described = {'status': self.status, 'count': self.remaining, 'error_code': self.error_code, 'error_msg': self.error_msg}
        if self.retry_after is not None:
            described['retry_after'] = self.retry_after
        return described


def spec_kind(spec):
    if not isinstance(spec, dict):
        raise FaultError('a fault must be a JSON object, got %r' % (spec,))
    kinds = [kind for kind in KINDS if kind in spec]
    if len(kinds) != 1:
        raise FaultError('a fault needs exactly one of %s' % ', '.join(KINDS))
    return kinds[0]


class FaultQueue:
    """Thread-safe queue of faults plus the current latency."""

    def __init__(self, latency_ms=0):
        self._lock = threading.Lock()
        self._faults = []
        self._latency_ms = latency_ms

    @property
    def latency_ms(self):
        with self._lock:
            return self._latency_ms

    def add(self, specs):
        """Queue one fault object or a list of them, all or none; {"latency_ms": N} changes the latency at once."""
        specs = specs if isinstance(specs, list) else [specs]
        latency_ms = None
        faults = []
        for spec in specs:
            if spec_kind(spec) == 'latency_ms':
                if len(spec) != 1:
                    raise FaultError('a latency change takes only {"latency_ms": milliseconds}')
                latency_ms = _non_negative_number(spec, 'latency_ms')
            else:
                faults.append(Fault.from_spec(spec))
        with self._lock:
            self._faults.extend(faults)
            if latency_ms is not None:
                self._latency_ms = latency_ms
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

    def clear(self):
        with self._lock:
            self._faults = []
        return self.state()

    def state(self):
        with self._lock:
            return {'faults': [fault.describe() for fault in self._faults], 'latency_ms': self._latency_ms}
