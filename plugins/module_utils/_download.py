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
import fcntl
import hashlib
import json
import os
import re
import signal
import stat
import tempfile
import threading
import time

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
# Bytes written between two starts of the disk's writeback of what came so far (Linux sync_file_range): the disk
# writes while the network brings the rest, so the fsync that ends a download has at most this much left to wait
# for, and the dirty pages of a large file stay few.
WRITEBACK_BYTES = 8 * 1024 * 1024
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


# Every temporary file of a download is named .<name>.<8 random characters>.hwcloud-workspace.part: a later run
# removes such files that no run holds (see remove_leftovers), and no other program's file has that name.
TEMP_SUFFIX = '.hwcloud-workspace.part'
LEFTOVER_PATTERN = re.compile(r'\A\..*\.[a-z0-9_]{8}%s\Z' % re.escape(TEMP_SUFFIX), re.DOTALL)
# A leftover is removed only when no run holds its lock and it has not changed for this long: a run holds the
# lock from the moment it creates its file, and a file system whose locks other hosts do not see (NFS with local
# locks) still shows the writes of a download in progress.
LEFTOVER_AGE = 600


def _remove_if_leftover(directory, entry_name, now):
    """Remove entry_name from directory when it is an abandoned temporary file of this module: our name, a regular
    file of this user, unchanged for LEFTOVER_AGE seconds, and no run holding its lock (held here while it is
    removed, so that none can take it meanwhile). Whether it was removed."""
    if not LEFTOVER_PATTERN.match(entry_name):
        return False
    path = os.path.join(directory, entry_name)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0))
    except OSError:
        return False
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid() or now - status.st_mtime < LEFTOVER_AGE:
            return False
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError while a run holds it
        current = os.lstat(path)
        if (current.st_dev, current.st_ino) != (status.st_dev, status.st_ino):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def remove_leftovers(directory):
    """Remove the temporary files that earlier runs left in directory (a run killed with SIGKILL, a host that
    went down); the names of those removed. A file that a run is writing, or has written in the last
    LEFTOVER_AGE seconds, is left alone."""
    now = time.time()
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return []
    return [name for name in names if _remove_if_leftover(directory, name, now)]


_sync_file_range = getattr(os, 'sync_file_range', None)  # Linux only
_SYNC_FILE_RANGE_WRITE = getattr(os, 'SYNC_FILE_RANGE_WRITE', 2)


class TempFile:
    """A new temporary file in directory that a download streams into (a sink of WorkspaceClient.download),
    with the sha256 of what was written.

    It is locked (flock) from its creation until it is closed, so that no other run takes it for a leftover; a
    local error (a full disk, a file size limit) names its path and the operating system's error, never a
    network break.
    """

    def __init__(self, directory, name):
        short = name.encode('utf-8', 'surrogateescape')[:TEMP_NAME_BYTES].decode('utf-8', 'ignore')
        try:
            handle, self.path = tempfile.mkstemp(dir=directory, prefix='.%s.' % short, suffix=TEMP_SUFFIX)
        except OSError as exc:
            raise WorkspaceLocalError('create a file in the directory', directory, exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a file system without locks: LEFTOVER_AGE still protects a download that is writing
        self._file = os.fdopen(handle, 'wb', buffering=0)
        self.size = 0
        self.sha256 = None
        self._digest = hashlib.sha256()
        self._written_back = 0

    def restart(self):
        """Empty the file: a new attempt sends the body from its start."""
        try:
            self._file.seek(0)
            self._file.truncate()
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        self.size = self._written_back = 0
        self._digest = hashlib.sha256()

    def write(self, chunk):
        """Write chunk and hash it: the one pass over the bytes (the file is never read back to hash it)."""
        # Unbuffered: each chunk goes to the file as it is (no copy into a buffer).
        view = memoryview(chunk)
        try:
            while view:
                view = view[self._file.write(view):]
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        self._digest.update(chunk)
        self.size += len(chunk)
        if self.size - self._written_back >= WRITEBACK_BYTES:
            self._start_writeback()

    def _start_writeback(self):
        """Have the disk start writing what was written since the last call, without waiting for it."""
        if _sync_file_range is not None:
            try:
                _sync_file_range(self._file.fileno(), self._written_back, self.size - self._written_back,
                                 _SYNC_FILE_RANGE_WRITE)
            except OSError:
                pass  # a file system without it: the fsync in finish() does all the work
        self._written_back = self.size

    def finish(self):
        """Flush the file to disk (it stays open, and locked, until close); (size, sha256 hex)."""
        try:
            os.fsync(self._file.fileno())
        except OSError as exc:
            raise WorkspaceLocalError('write', self.path, exc) from None
        self.sha256 = self._digest.hexdigest()
        return self.size, self.sha256

    def close(self):
        """Close the file and remove its temporary name (a name it was linked or moved to stays)."""
        self._file.close()
        _remove(self.path)


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


@contextlib.contextmanager
def downloaded(workspace, task_id, directory, name, deadline=None):
    """The task's file streamed into a new TempFile in directory, finished (size and sha256 known), for the with
    block to put in place; its temporary name is removed when the block ends, however it ends.

    Leftovers of earlier runs in directory are removed first. Memory stays at one chunk whatever the size. An
    ending signal during the download or the block removes the temporary file before it takes effect.
    """
    remove_leftovers(directory)
    sink = TempFile(directory, name)
    try:
        with removed_when_signalled(sink.path):
            workspace.download('DownloadExportFile', sink, deadline=deadline, task_id=task_id)
            sink.finish()
            yield sink
    finally:
        sink.close()


def read_record(path):
    """(task_id, sha256) that the module recorded on path when it saved it, or None (also for a symbolic link,
    which is never read through)."""
    try:
        record = json.loads(os.getxattr(path, RECORD_ATTRIBUTE, follow_symlinks=False).decode('utf-8'))
    except (AttributeError, OSError, ValueError):
        return None
    if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in ('task_id', 'sha256')):
        return None
    return record['task_id'], record['sha256']


def write_record(path, task_id, sha256):
    """Record on path which task's file it holds (never through a symbolic link); a file system without extended
    attributes records nothing (the next run then compares the bytes instead)."""
    value = json.dumps({'task_id': task_id, 'sha256': sha256}, sort_keys=True).encode('utf-8')
    try:
        os.setxattr(path, RECORD_ATTRIBUTE, value, follow_symlinks=False)
    except AttributeError:
        pass  # no extended attributes on this platform
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM, errno.EACCES, errno.ENOSPC, errno.E2BIG):
            raise WorkspaceLocalError('record the export task on', path, exc) from None
