# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Export files on disk: the name a task's file may have, the temporary file a download streams into (with
its sha256), and the record of which task a file on disk holds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import hashlib
import json
import os
import re
import tempfile

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


def download_to_temp(workspace, task_id, directory, name, deadline=None):
    """(temporary path, size, sha256 hex): the task's file streamed into a new temporary file in directory.

    Memory stays at one chunk whatever the size. On any failure the temporary file is removed.
    """
    sink = TempFile(directory, name)
    try:
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
