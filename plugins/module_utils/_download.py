# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Export files on disk: the name a task's file may have, the temporary file a download streams into (with
its sha256), and the record of which task a file on disk holds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import errno
import hashlib
import json
import os
import re
import signal
import tempfile
import threading

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceConfigError,
    WorkspaceLocalError,
)

CHUNK_SIZE = 1024 * 1024
CHECKSUM_PATTERN = re.compile(r'^sha256:([0-9a-fA-F]{64})$')
# The longest file name most file systems take, in bytes.
MAX_NAME_BYTES = 255
# Bytes of the file's name in its temporary file's name: the whole would pass MAX_NAME_BYTES for a long name.
TEMP_NAME_BYTES = 100
# Control characters (C0, DEL, C1): they would reach the terminal and file listings as they are.
CONTROL_CHARACTERS = re.compile('[\x00-\x1f\x7f-\x9f]')
# The extended attribute that records which export task a downloaded file holds (where the file system has them).
RECORD_ATTRIBUTE = 'user.hwcloud.workspace.export'


def parse_checksum(checksum):
    """The lower-case hex digest of a checksum option 'sha256:<hex>' (None stays None)."""
    if checksum is None:
        return None
    match = CHECKSUM_PATTERN.match(checksum.strip())
    if not match:
        raise WorkspaceConfigError('checksum must be sha256:<64 hexadecimal digits>, got %r' % (checksum,))
    return match.group(1).lower()


def safe_file_name(file_name, task_id):
    """The task's file_name as a name inside the destination directory; anything that could leave it, or
    that a terminal would take as a command, is refused."""
    if not isinstance(file_name, str) or file_name in ('', '.', '..') or '/' in file_name or '\\' in file_name \
            or CONTROL_CHARACTERS.search(file_name) or len(file_name.encode('utf-8', 'surrogateescape')) > MAX_NAME_BYTES:
        raise WorkspaceConfigError('Export task %s has the file_name %r, which is not a plain file name (no path '
                                   'separator, no control character, at most %d bytes, not "." or ".."): give '
                                   'dest as a file path instead of a directory' % (task_id, file_name, MAX_NAME_BYTES))
    return file_name


def file_sha256(path):
    digest = hashlib.sha256()
    try:
        with open(path, 'rb') as handle:
            for chunk in iter(lambda: handle.read(CHUNK_SIZE), b''):
                digest.update(chunk)
    except OSError as exc:
        raise WorkspaceLocalError('read', path, exc) from None
    return digest.hexdigest()


class TempFile:
    """A new temporary file in directory that a download streams into (a sink of WorkspaceClient.download).

    Its name starts with a dot and ends with .part; a local error (a full disk, a file size limit) names its
    path and the operating system's error, never a network break.
    """

    def __init__(self, directory, name):
        short = name.encode('utf-8', 'surrogateescape')[:TEMP_NAME_BYTES].decode('utf-8', 'ignore')
        try:
            handle, self.path = tempfile.mkstemp(dir=directory, prefix='.%s.' % short, suffix='.part')
        except OSError as exc:
            raise WorkspaceLocalError('create a file in the directory', directory, exc) from None
        self._file = os.fdopen(handle, 'wb')
        self.size = 0
        self._digest = hashlib.sha256()

    def restart(self):
        """Empty the file: a new attempt sends the body from its start."""
        try:
            self._file.seek(0)
            self._file.truncate()
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        self.size = 0
        self._digest = hashlib.sha256()

    def write(self, chunk):
        try:
            self._file.write(chunk)
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        self._digest.update(chunk)
        self.size += len(chunk)

    def finish(self):
        """Flush the file to disk and close it; (size, sha256 hex)."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        return self.size, self._digest.hexdigest()

    def discard(self):
        self._file.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


# The signals that end a run: Ctrl-C, a job cancelled (Automation Platform, a service manager), a closed terminal.
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ('SIGINT', 'SIGTERM', 'SIGHUP') if hasattr(signal, name))


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


@contextlib.contextmanager
def removed_when_signalled(path):
    """While the block runs, an ending signal first removes path, then has the effect it would have had (the
    handler before, or the default: a SIGTERM still ends the process). Ignored signals stay ignored; outside the
    main thread, where handlers cannot be set, the block's own clean-up is all there is."""
    previous = {}

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        previous.clear()

    def on_signal(signum, frame):
        _remove(path)
        restore()
        os.kill(os.getpid(), signum)

    if threading.current_thread() is threading.main_thread():
        for signum in ENDING_SIGNALS:
            handler = signal.getsignal(signum)
            if handler not in (signal.SIG_IGN, None):
                previous[signum] = handler
                signal.signal(signum, on_signal)
    try:
        yield
    finally:
        restore()


def download_to_temp(workspace, task_id, directory, name, deadline=None):
    """(temporary path, size, sha256 hex): the task's file streamed into a new temporary file in directory.

    Memory stays at one chunk whatever the size. On any failure, and on a signal that ends the run, the temporary
    file is removed.
    """
    sink = TempFile(directory, name)
    try:
        with removed_when_signalled(sink.path):
            workspace.download('DownloadExportFile', sink, deadline=deadline, task_id=task_id)
            size, digest = sink.finish()
    except BaseException:
        sink.discard()
        raise
    return sink.path, size, digest


def read_record(path):
    """(task_id, sha256) that the module recorded on path when it saved it, or None."""
    try:
        record = json.loads(os.getxattr(path, RECORD_ATTRIBUTE).decode('utf-8'))
    except (AttributeError, OSError, ValueError):
        return None
    if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in ('task_id', 'sha256')):
        return None
    return record['task_id'], record['sha256']


def write_record(path, task_id, sha256):
    """Record on path which task's file it holds; a file system without extended attributes records nothing
    (the next run then compares the bytes instead)."""
    value = json.dumps({'task_id': task_id, 'sha256': sha256}, sort_keys=True).encode('utf-8')
    try:
        os.setxattr(path, RECORD_ATTRIBUTE, value)
    except AttributeError:
        pass  # no extended attributes on this platform
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM, errno.EACCES, errno.ENOSPC, errno.E2BIG):
            raise WorkspaceLocalError('record the export task on', path, exc) from None
