# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""EmulatorProcess: run the emulator as a subprocess for tests and benchmarks.

    with EmulatorProcess(seed={'tasks': [{'file_name': 'a.xlsx'}]}) as emulator:
        ...  # emulator.url, emulator.project_id, emulator.access_key, emulator.secret_key, emulator.token
"""

import json
import os
import queue
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from . import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LISTENING_PREFIX = 'listening on '
# Admin calls go straight to 127.0.0.1, whatever HTTP(S)_PROXY says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def without_cloud_credentials(environ):
    """A copy of environ without HUAWEICLOUD_SDK_* and HW_* variables: a shell's real credentials stay out."""
    return dict((name, value) for name, value in environ.items() if not name.startswith(('HUAWEICLOUD_SDK_', 'HW_')))


def peak_in_flight(entries):
    """The largest number of logged requests that were being answered at the same moment."""
    events = sorted([(entry['started'], 1) for entry in entries] + [(entry['ended'], -1) for entry in entries])
    peak = in_flight = 0
    for _, change in events:
        in_flight += change
        peak = max(peak, in_flight)
    return peak


class EmulatorError(RuntimeError):
    """The emulator did not start, or an admin call failed."""


class EmulatorProcess:
    """A running emulator; started by the constructor, stopped by stop() or by leaving the with block."""

    def __init__(self, seed=None, latency_ms=None, extra_args=(), access_key=DEFAULT_ACCESS_KEY, secret_key=DEFAULT_SECRET_KEY,
                 token=DEFAULT_TOKEN, startup_timeout=15, export_delay=None, tls=False):
        """tls=True: HTTPS on both listeners with a certificate for 127.0.0.1, 127.0.0.2, ::1 and localhost from a
        throw-away CA (made with trustme), whose certificate is at .ca_path."""
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token
        self._seed_path = None
        self._temporary_paths = []
        self.ca_path = None
        self._opener = _OPENER
        # The per-request log lines go to a file: a pipe nobody reads would fill up and block the server.
        self.stderr_file = tempfile.NamedTemporaryFile(prefix='workspace-emulator-', suffix='.log', delete=False)
        command = [sys.executable, '-m', 'tools.workspace_emulator', '--port', '0',
                   '--access-key', access_key, '--secret-key', secret_key, '--token', token]
        if seed is not None:
            with tempfile.NamedTemporaryFile('w', prefix='workspace-emulator-seed-', suffix='.json', delete=False, encoding='utf-8') as seed_file:
                json.dump(seed, seed_file)
            self._seed_path = seed_file.name
            command += ['--seed', self._seed_path]
        if latency_ms is not None:
            command += ['--latency-ms', str(latency_ms)]
        if export_delay is not None:
            command += ['--export-delay', str(export_delay)]
        if tls:
            command += self._make_certificate()
        command += list(extra_args)
        self.process = subprocess.Popen(command, cwd=REPOSITORY_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self.stderr_file, universal_newlines=True)
        try:
            self.url = self._read_url(startup_timeout)
            config = self._admin('GET', '/_emulator/config')
        except BaseException:
            self.stop()
            raise
        self.project_id = config['project_id']
        self.region = config['region']
        self.domain_id = config['domain_id']
        self.storage_url = config['storage_url']

    def _temporary_path(self, suffix):
        handle, path = tempfile.mkstemp(prefix='workspace-emulator-', suffix=suffix)
        os.close(handle)
        self._temporary_paths.append(path)
        return path

    def _make_certificate(self):
        import trustme  # pylint: disable=import-outside-toplevel  # a test dependency, needed only for HTTPS

        authority = trustme.CA()
        certificate = authority.issue_cert('127.0.0.1', '127.0.0.2', '::1', 'localhost')
        self.ca_path = self._temporary_path('-ca.pem')
        authority.cert_pem.write_to_path(self.ca_path)
        key_and_chain = self._temporary_path('-server.pem')
        certificate.private_key_and_cert_chain_pem.write_to_path(key_and_chain)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                   urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=self.ca_path)))
        return ['--tls-cert', key_and_chain, '--tls-key', key_and_chain]

    def _read_url(self, timeout):
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise EmulatorError('the emulator printed nothing within %s s; its stderr:\n%s' % (timeout, self.stderr_text())) from None
        if not line.startswith(LISTENING_PREFIX):
            self.process.wait(timeout)
            raise EmulatorError('the emulator did not start (exit status %s); its stderr:\n%s' % (self.process.returncode, self.stderr_text()))
        return line[len(LISTENING_PREFIX):].strip()

    def user_environment(self, environ=None):
        """environ (default os.environ) with the variables a user sets for the cloud, pointed at this emulator.

        The project ID is left out, so that it is looked up in the emulator's IAM by region, as against the cloud.
        """
        environment = without_cloud_credentials(os.environ if environ is None else environ)
        environment.update({
            'HW_WORKSPACE_ENDPOINT': self.url,
            'HUAWEICLOUD_SDK_IAM_ENDPOINT': self.url,
            'HUAWEICLOUD_SDK_REGION': self.region,
            'HUAWEICLOUD_SDK_AK': self.access_key,
            'HUAWEICLOUD_SDK_SK': self.secret_key,
        })
        if self.ca_path:
            environment['HUAWEICLOUD_SDK_CA_PATH'] = self.ca_path
        return environment

    def stderr_text(self):
        """What the emulator wrote to stderr so far (one line per request); gone after stop()."""
        with open(self.stderr_file.name, encoding='utf-8', errors='replace') as log:
            return log.read()

    def _admin(self, method, path, document=None, timeout=10):
        data = None if document is None else json.dumps(document).encode('utf-8')
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as error:
            raise EmulatorError('%s %s: HTTP %d %s' % (method, path, error.code, error.read().decode('utf-8', 'replace'))) from None

    def add_tasks(self, tasks):
        """Add tasks in the seed format (finish_after/expire_after count from now); returns their records."""
        return self._admin('POST', '/_emulator/tasks', tasks)

    def tasks(self):
        """Every task's current record, in creation order, without going through the API."""
        return self._admin('GET', '/_emulator/tasks')

    def starts(self):
        """The exports started through the API: [{"task_id", "kind", "parameters"}], the parameters as the emulator read them."""
        return self._admin('GET', '/_emulator/starts')

    def finish_tasks(self, task_ids, status='SUCCESS', fail_reason=None, error_code=None):
        """Finish CREATING tasks now with status SUCCESS or FAIL; returns their records."""
        document = {'task_ids': list(task_ids), 'status': status}
        document.update((name, value) for name, value in (('fail_reason', fail_reason), ('error_code', error_code)) if value is not None)
        return self._admin('POST', '/_emulator/tasks/finish', document)

    def requests_log(self):
        """The finished API requests, in the order they started: dicts with method, path, query, raw_query, status,
        auth, request_id, fault, started, ended (time.monotonic() seconds) and server_ms."""
        return self._admin('GET', '/_emulator/requests')

    def wait_for_requests(self, count, timeout=10):
        """The request log once it holds at least `count` entries (a request is logged when its answer is complete)."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.requests_log()
            if len(log) >= count or time.monotonic() > deadline:
                return log
            time.sleep(0.02)

    def requests_summary(self):
        """{"entries", "size", "dropped"} of the request log (a ring of --request-log-size entries)."""
        return self._admin('GET', '/_emulator/requests/summary')

    def clear_log(self):
        self._admin('DELETE', '/_emulator/requests')

    def storage_requests(self):
        """Every request the object-storage listener received, with all its headers (see requests_log)."""
        return self._admin('GET', '/_emulator/storage/requests')

    def clear_storage_log(self):
        self._admin('DELETE', '/_emulator/storage/requests')

    def inject_storage(self, fault):
        """Queue a fault dict (or a list) for the next requests to the object-storage listener (queued kinds only)."""
        return self._admin('POST', '/_emulator/storage/faults', fault)

    def clear_storage_faults(self):
        return self._admin('DELETE', '/_emulator/storage/faults')

    def export_settings(self, **changes):
        """Change the export settings (delay, final_status, fail_reason, error_code, file_format, file_size, download,
        url_ttl) for the exports started from now on (download and url_ttl: for every download); returns them all."""
        return self._admin('POST', '/_emulator/exports', changes)

    def file_bytes(self, task_id):
        """The bytes that a download of the task serves (keep it for small files)."""
        with self._opener.open(self.url + '/_emulator/files/' + urllib.parse.quote(task_id, safe=''), timeout=60) as response:
            return response.read()

    def file_digest(self, task_id):
        """{"size": bytes, "sha256": hex} of the task's file, computed by the emulator without holding it in memory."""
        return self._admin('GET', '/_emulator/files/%s/digest' % urllib.parse.quote(task_id, safe=''), timeout=600)

    def faults(self):
        """The queued faults and the settings (latency_ms, ignore_offset, count_growing, churn)."""
        return self._admin('GET', '/_emulator/faults')

    def inject(self, fault):
        """Queue a fault dict (or a list of them) for the next API requests; returns the queue and latency."""
        return self._admin('POST', '/_emulator/faults', fault)

    def clear_faults(self):
        """Drop the queued faults and turn off ignore_offset, count_growing and churn (the latency stays)."""
        return self._admin('DELETE', '/_emulator/faults')

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL if it does not exit within timeout; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr_file.close()
        for path in [self._seed_path, self.stderr_file.name] + self._temporary_paths:
            if path and os.path.exists(path):
                os.unlink(path)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
