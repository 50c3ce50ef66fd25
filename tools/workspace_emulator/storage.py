# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""The "object storage" listener: another loopback host that serves exported files at pre-signed URLs.

It stands for the cloud's object storage (OBS), to which a download may redirect. It records the headers of every
request it receives, so that tests can prove that no Workspace credential ever reaches it, and it refuses a URL whose
signature or expiry is wrong, as OBS does.
"""

import socket
import sys
import xml.sax.saxutils

from .server import BaseHandler, EmulatorServer

# Where EmulatorServer falls back when 127.0.0.2 cannot be bound (systems that route only 127.0.0.1).
STORAGE_HOST = '127.0.0.2'


class StorageHandler(BaseHandler):
    """Every request is recorded with all its headers; only valid pre-signed GETs of an object succeed."""

    server_version = 'OBS'

    def _handle(self):
        self._begin()
        arrived_after = self.server.state.storage_log.begin()
        raw_path, _, raw_query = self.path.partition('?')
        misdirected = self._misdirected()
        fault = None if misdirected else self.server.state.storage_faults.take()
        try:
            if misdirected:
                status = self._obs_error(421, 'MisdirectedRequest', misdirected, close=True)  # its body is not read
            else:
                status = self._answer_with_fault(fault, lambda: self._answer(raw_path, raw_query))
        except (ConnectionError, socket.timeout):
            status = None
            self.close_connection = True
        except Exception:  # pylint: disable=broad-except
            status = self._internal_error()
        entry = self._log_entry(raw_path, raw_query, status, fault)
        entry['headers'] = dict(self.headers.items())
        self.server.state.storage_log.add(entry, arrived_after)
        self._log_line(status, 'storage')

    def _answer(self, raw_path, raw_query):
        state = self.server.state
        if self.command not in ('GET', 'HEAD'):
            return self._obs_error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
        task_id, error = state.exports.check_presigned(raw_path, raw_query, self.headers)
        task = None
        if error is None:
            task, record = state.store.get(task_id)
            if task is None or record['status'] != 'SUCCESS':
                error = (404, 'NoSuchKey', 'The specified key does not exist.')
        if error is not None:
            return self._obs_error(*error)
        export_file = state.exports.sent(task)
        headers = {'ETag': '"%s"' % task.task_id}
        if export_file.content_encoding:
            headers['Content-Encoding'] = export_file.content_encoding
        return self._send_stream(200, export_file.chunks, export_file.length, headers, content_type=export_file.content_type)

    def _obs_error(self, status, code, message, close=False):
        body = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>'
                % (code, xml.sax.saxutils.escape(message), self.request_id)).encode('utf-8')
        return self._send_bytes(status, body, close=close, content_type='application/xml')


def storage_server(host, port, state, tls_context=None):
    """The object-storage listener on host (127.0.0.2 by default), or on 127.0.0.1 when that address is not usable here."""
    try:
        return EmulatorServer(host, port, state, StorageHandler, tls_context)
    except OSError as error:
        if host != STORAGE_HOST:
            raise
        sys.stderr.write('[emulator] cannot listen on %s (%s); object storage listens on 127.0.0.1 instead\n' % (host, error))
        return EmulatorServer('127.0.0.1', 0, state, StorageHandler, tls_context)
