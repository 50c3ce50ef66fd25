# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""export_file: download the file of a finished export, atomically, verified, knowing whose file dest holds.

One definition for the shipped module and its action plugin (see _module.py): both write with the module's
atomic_move and file attributes (on a local connection the controller is the same host).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import check_path_value
from ansible_collections.hwcloud.workspace.plugins.module_utils._download import (
    download_to_temp,
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
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect

SUCCESS = 'SUCCESS'


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
        raise WorkspaceResultError('Unknown export task ID: %s' % task_id, task_id=task_id)
    task = found[0]
    if task['status'] != SUCCESS:
        reason = ' (error_code=%s, fail_reason=%s)' % (task['error_code'], task['fail_reason']) \
            if task['status'] == 'FAIL' else ''
        raise WorkspaceResultError('Export task %s (file %s) is %s%s: only a SUCCESS task has a file to download'
                                   % (task_id, task['file_name'], task['status'], reason),
                                   task_id=task_id, status=task['status'])
    return task


def holds_file_of(path, task_id, expected):
    """The sha256 of path when it is known to hold task_id's file as the module saved it (and matches the
    expected checksum, when given); else None."""
    record = read_record(path) if os.path.isfile(path) and not os.path.islink(path) else None
    if record is None or record[0] != task_id:
        return None
    actual = file_sha256(path)
    return actual if actual == record[1] and expected in (None, actual) else None


def refuse_link(path, task_id, force):
    """A symbolic link at path is never taken for the module's file, nor written through: without force it is left
    as it is, with force the download replaces the link itself (atomic_move renames over it)."""
    if os.path.islink(path) and not force:
        raise WorkspaceResultError(
            '%s is a symbolic link (to %s): it was left as it was and nothing was written through it; set force: true '
            'to replace the link by the file of export task %s, or give another dest'
            % (path, os.readlink(path), task_id), task_id=task_id)


def finish(module, path, size, checksum, changed, task_id):
    """Apply mode/owner/group (check mode reports only) and build the result."""
    file_args = module.load_file_common_arguments(module.params, path=path)
    if os.path.exists(path):
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return dict(changed=changed, dest=path, size=size, checksum=checksum, task_id=task_id)


def place(module, temp_path, path, task_id, actual, expected, force):
    """Put the downloaded temporary file where it belongs; whether path changed. The temporary file is gone after.

    path is replaced only by this task's verified bytes, and only when it does not hold them already; a file
    that holds something else is replaced only with force, or when the expected checksum names these bytes.
    """
    try:
        if expected is not None and actual != expected:
            raise WorkspaceResultError('The file of export task %s has sha256 %s, not the expected %s; %s was left '
                                       'as it was' % (task_id, actual, expected, path), task_id=task_id, checksum=actual)
        refuse_link(path, task_id, force)  # made while the file downloaded
        if os.path.isfile(path) and not os.path.islink(path):
            if file_sha256(path) == actual:
                write_record(path, task_id, actual)
                return False
            if not force and expected is None:
                record = read_record(path)
                holder = 'the file of export task %s' % record[0] if record else 'a file this module did not save'
                raise WorkspaceResultError(
                    '%s already exists and holds other bytes than the file of export task %s (it holds %s, or was '
                    'changed since): it was left as it was; set force: true to replace it, or give another dest'
                    % (path, task_id, holder), task_id=task_id)
        try:
            module.atomic_move(temp_path, path, unsafe_writes=module.params['unsafe_writes'])
        except Exception as exc:  # atomic_move raises plain Exception with a message naming both paths
            raise WorkspaceLocalError('move the download onto', path, exc) from None
        write_record(path, task_id, actual)
        return True
    finally:
        if os.path.lexists(temp_path):
            os.unlink(temp_path)


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
        raise WorkspaceConfigError('The directory of dest does not exist: %s' % directory)
    return dest, as_directory, directory


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
        task = finished_task(ExportTaskApi(workspace), task_id)
        path = os.path.join(directory, safe_file_name(task['file_name'], task_id)) if as_directory else dest
        if os.path.isdir(path):
            raise WorkspaceConfigError('%s is a directory: the file of export task %s cannot be saved under that name; '
                                       'give dest as a file path' % (path, task_id))
        refuse_link(path, task_id, params['force'])
        checksum = None if params['force'] else holds_file_of(path, task_id, expected)
        if checksum is not None:
            return finish(module, path, os.path.getsize(path), checksum, False, task_id)
        if module.check_mode:
            return dict(changed=True, dest=path, size=None, checksum=None, task_id=task_id)
        temp_path, size, actual = download_to_temp(workspace, task_id, directory, os.path.basename(path))
    changed = place(module, temp_path, path, task_id, actual, expected, params['force'])
    return finish(module, path, size, actual, changed, task_id)
