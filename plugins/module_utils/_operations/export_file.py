# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""export_file: download the file of a finished export, atomically, verified, knowing whose file dest holds.

One definition for the shipped module and its action plugin (see _module.py): both put the file in place the same
way (a hard link for a new file, a rename under the directory's lock for a replacement, atomic_move's workarounds
where a file system refuses both) with the module's file attributes (on a local connection the controller is the
same host).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import errno
import fcntl
import os
import stat
import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import check_path_value
from ansible_collections.hwcloud.workspace.plugins.module_utils._download import (
    downloaded,
    file_sha256,
    parse_checksum,
    read_record,
    safe_file_name,
    write_record,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceConfigError,
    WorkspaceLocalError,
    WorkspaceResultError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    FAIL, SUCCESS, ExportTaskApi, unknown_task_ids_message,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect
from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import escape_controls

# How long a run waits for another run's replacement in the same directory (a file hashed, one request).
LOCK_WAIT = 600
LOCK_POLL = 0.05
# Looks at dest while other runs create and remove it, before giving up.
PLACE_ATTEMPTS = 5


def argument_spec():
    return dict(
        task_id=dict(type='str', required=True),
        dest=dict(type='path', required=True),
        force=dict(type='bool', default=False),
        checksum=dict(type='str'),
    )


def module_kwargs():
    return dict(supports_check_mode=True, add_file_common_args=True)


def finished_task(api, task_id):
    """The task's record; fails naming the status unless it is SUCCESS."""
    found, missing = api.get_by_ids([task_id])
    if missing:
        raise WorkspaceResultError(unknown_task_ids_message([task_id]), task_id=task_id)
    task = found[0]
    if task['status'] != SUCCESS:
        reason = ' (error_code=%s, fail_reason=%s)' % (task['error_code'], task['fail_reason']) \
            if task['status'] == FAIL else ''
        raise WorkspaceResultError(escape_controls('Export task %s (file %s) is %s%s: only a SUCCESS task has a file '
                                                   'to download' % (task_id, task['file_name'], task['status'], reason)),
                                   task_id=task_id, status=task['status'])
    return task


def holds_file_of(path, task_id, expected):
    """The sha256 of path when it is known to hold task_id's file as the module saved it (and matches the
    expected checksum, when given); else None. A symbolic link never counts."""
    if not _is_regular_file(path):
        return None
    record = read_record(path)
    if record is None or record[0] != task_id:
        return None
    actual = file_sha256(path)
    return actual if actual == record[1] and expected in (None, actual) else None


def _is_regular_file(path):
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def refuse_link(path, task_id, force):
    """A symbolic link at path is never taken for the module's file, nor written through: without force it is left
    as it is, with force the download replaces the link itself."""
    if os.path.islink(path) and not force:
        raise WorkspaceResultError(
            '%s is a symbolic link (to %s): it was left as it was and nothing was written through it; set force: true '
            'to replace the link by the file of export task %s, or give another dest'
            % (path, escape_controls(os.readlink(path)), task_id), task_id=task_id)


def finish(module, path, size, checksum, changed, task_id):
    """Apply mode/owner/group (check mode reports only) and build the result."""
    file_args = module.load_file_common_arguments(module.params, path=path)
    if os.path.exists(path):
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return dict(changed=changed, dest=path, size=size, checksum=checksum, task_id=task_id)


@contextlib.contextmanager
def directory_lock(directory):
    """Hold an exclusive lock (flock) on directory: the runs of this module that replace a file in it take turns,
    so each decides on what it really replaces. A file system without such locks (some network ones) goes
    without; creating a file never needs it (a hard link cannot replace anything)."""
    try:
        handle = os.open(directory, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    except OSError as exc:
        raise WorkspaceLocalError('open the directory', directory, exc) from None
    try:
        ends = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= ends:
                    raise WorkspaceLocalError('lock', directory, OSError(
                        'another run of export_file held its lock for more than %d seconds' % LOCK_WAIT)) from None
                time.sleep(LOCK_POLL)
            except OSError:
                break  # no locks on this file system
        yield
    finally:
        os.close(handle)


def _link(source, path):
    """Give source the name path, only if path does not exist (a hard link: atomic, and it never replaces
    anything). True when linked, False when path exists; None when the file system has no hard links."""
    try:
        os.link(source, path, follow_symlinks=False)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            return None
        raise WorkspaceLocalError('save the download as', path, exc) from None


def _new_file_attributes(module, temp_path, directory):
    """What atomic_move gives a new file: mode 0666 less the umask, the directory's group when it is setgid."""
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp_path, 0o666 & ~umask)
        if os.stat(directory).st_mode & stat.S_ISGID:
            os.chown(temp_path, -1, os.stat(directory).st_gid)
    except OSError:
        pass  # best effort, as atomic_move: finish() applies the mode, owner and group asked for


def _replaced_file_attributes(temp_path, replaced):
    """What atomic_move keeps of a replaced file: its mode, owner and group."""
    try:
        os.chown(temp_path, replaced.st_uid, replaced.st_gid)
    except OSError:
        pass
    try:
        os.chmod(temp_path, stat.S_IMODE(replaced.st_mode))
    except OSError:
        pass


class _Existing:
    """What path holds when the download is to be put there."""

    def __init__(self, path):
        self.status = os.lstat(path)  # FileNotFoundError when it went away meanwhile
        self.is_link = stat.S_ISLNK(self.status.st_mode)
        self.is_file = stat.S_ISREG(self.status.st_mode)
        self.record = read_record(path) if self.is_file else None
        self.sha256 = file_sha256(path) if self.is_file else None


def _check_replaceable(existing, path, task_id, expected, force, still_downloadable):
    """Raise unless the download may replace what path holds (see place)."""
    if existing.is_link:
        refuse_link(path, task_id, force)
        return
    if not existing.is_file:
        raise WorkspaceResultError('%s is not a regular file (a directory, a device, a pipe...): it was left as it was; '
                                   'give another dest' % path, task_id=task_id)
    record = existing.record
    other = record[0] if record is not None and record[0] != task_id else None
    if not force and expected is None:
        holder = 'the file of export task %s' % record[0] if record else 'a file this module did not save'
        way_out = 'move it away, or give another dest' if other else 'set force: true to replace it, or give another dest'
        raise WorkspaceResultError(
            '%s already exists and holds other bytes than the file of export task %s (it holds %s, or was changed '
            'since): it was left as it was; %s' % (path, task_id, holder, way_out), task_id=task_id)
    if other is not None and not still_downloadable(other):
        raise WorkspaceResultError(
            '%s holds the file of export task %s, which can no longer be downloaded (deleted, expired or unknown): it '
            'is never replaced, not even with force, since it may be the only copy of that export; it was left as it '
            'was; move it away, or give another dest' % (path, other), task_id=task_id)


def place(module, temp, path, task_id, expected, force, still_downloadable):
    """Put the verified download (temp, a finished TempFile) at path; whether path changed.

    Atomic against other runs: a new file appears with its record at once (a hard link, which never replaces
    anything, so two runs cannot both think they created path); a replacement happens under the directory's
    lock, after checking what is replaced. path holding the same bytes is no change; path holding other bytes is
    replaced only with force or when expected names the download, and never when its record names another
    export that can no longer be downloaded (still_downloadable(task_id) says whether one still can). A symbolic
    link is never written through: refused, or with force replaced itself.
    """
    actual = temp.sha256
    if expected is not None and actual != expected:
        raise WorkspaceResultError('The file of export task %s has sha256 %s, not the expected %s; %s was left '
                                   'as it was' % (task_id, actual, expected, path), task_id=task_id, checksum=actual)
    directory = os.path.dirname(path)
    # The record travels with the file (links and renames keep it): path never holds these bytes without it.
    write_record(temp.path, task_id, actual)
    _new_file_attributes(module, temp.path, directory)
    linked = _link(temp.path, path)
    if linked:
        _set_context(module, path, None)
        return True
    with directory_lock(directory):
        for dummy in range(PLACE_ATTEMPTS):
            try:
                existing = _Existing(path)
            except FileNotFoundError:
                linked = _link(temp.path, path)
                if linked is False:
                    continue  # another run made it meanwhile: look at that one
                if linked is None:
                    _move(module, temp.path, path)
                _set_context(module, path, None)
                return True
            if existing.sha256 == actual:
                write_record(path, task_id, actual)
                return False
            _check_replaceable(existing, path, task_id, expected, force, still_downloadable)
            if existing.is_file:
                _replaced_file_attributes(temp.path, existing.status)
            context = module.selinux_context(path) if existing.is_file and module.selinux_enabled() else None
            _move(module, temp.path, path)
            _set_context(module, path, context)
            return True
    raise WorkspaceLocalError('save the download as', path, OSError('it kept appearing and disappearing'))


def _move(module, temp_path, path):
    """Rename temp_path onto path; where a plain rename is refused (some mounted file systems), atomic_move's
    workarounds, unsafe_writes included. The record is written again: a copy may have lost it."""
    try:
        os.rename(temp_path, path)
        return
    except OSError:
        pass
    record = read_record(temp_path)
    try:
        module.atomic_move(temp_path, path, unsafe_writes=module.params['unsafe_writes'])
    except Exception as exc:  # atomic_move raises plain Exception with a message naming both paths
        raise WorkspaceLocalError('move the download onto', path, exc) from None
    if record:
        write_record(path, *record)


def _set_context(module, path, context):
    """The SELinux context atomic_move would give path: the replaced file's, or the default for a new one."""
    if module.selinux_enabled():
        module.set_context_if_different(path, context or module.selinux_default_context(path), False)


def _missing_directory(directory):
    """Why directory cannot hold dest: the first part of it that is missing, or that is a file."""
    path = directory.rstrip(os.sep) or os.sep
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    if os.path.lexists(path) and not os.path.isdir(path):
        return 'The directory of dest cannot be %s: %s is a file, not a directory' % (directory, path)
    return 'The directory of dest does not exist: %s' % directory


def destination(dest):
    """(dest, as a directory?, its directory): dest must be absolute, in an existing directory."""
    if not dest:
        raise WorkspaceConfigError('dest must be the absolute path of a file or of a directory (or start with ~), '
                                   'got an empty value')
    if not os.path.isabs(dest):
        raise WorkspaceConfigError('dest must be an absolute path (or start with ~), got %r' % dest)
    as_directory = os.path.isdir(dest) or dest.endswith(os.sep)
    directory = dest if as_directory else os.path.dirname(dest)
    if not os.path.isdir(directory):
        raise WorkspaceConfigError(_missing_directory(directory))
    return dest, as_directory, directory


def _still_downloadable(api):
    """Whether an export task is still SUCCESS in the service (its file can be downloaded again)."""
    def check(task_id):
        found, missing = api.get_by_ids([task_id])
        return not missing and found[0]['status'] == SUCCESS
    return check


def run(module):
    params = module.params
    task_id = check_path_value('task_id', params['task_id'])
    expected = parse_checksum(params['checksum'])
    dest, as_directory, directory = destination(params['dest'])
    if not as_directory and not params['force']:
        checksum = holds_file_of(dest, task_id, expected)
        if checksum is not None:
            return finish(module, dest, os.path.getsize(dest), checksum, False, task_id)
    with connect(module) as workspace:
        api = ExportTaskApi(workspace)
        task = finished_task(api, task_id)
        path = os.path.join(directory, safe_file_name(task['file_name'], task_id)) if as_directory else dest
        if os.path.isdir(path) and not os.path.islink(path):
            raise WorkspaceConfigError('%s is a directory: the file of export task %s cannot be saved under that name; '
                                       'give dest as a file path' % (path, task_id))
        refuse_link(path, task_id, params['force'])
        checksum = None if params['force'] else holds_file_of(path, task_id, expected)
        if checksum is not None:
            return finish(module, path, os.path.getsize(path), checksum, False, task_id)
        if module.check_mode:
            return dict(changed=True, dest=path, size=None, checksum=None, task_id=task_id)
        with downloaded(workspace, task_id, directory, os.path.basename(path)) as temp:
            changed = place(module, temp, path, task_id, expected, params['force'], _still_downloadable(api))
    return finish(module, path, temp.size, temp.sha256, changed, task_id)
