# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: ansible.builtin.file and ansible.builtin.copy on the controller, without a module process.

Why on the controller: see disk_stat. It takes file's path (or dest), state and mode, and copy's content and src:
state directory makes the directory (and its parents) with mode; absent removes a file, link or directory tree;
link makes dest a symbolic link to src; file (the default) writes content, or the bytes of the file src, to dest
with mode. It returns changed: true."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

from ansible.plugins.action import ActionBase

DOCUMENTATION = '''
name: disk_file
short_description: ansible.builtin.file and copy on the controller, for the integration targets
description: A test helper of the integration targets; see the module docstring.
'''

STATES = ('file', 'directory', 'absent', 'link')


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('path', 'dest', 'state', 'mode', 'content', 'src'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        state = args.get('state', 'file')
        if state not in STATES:
            return dict(result, failed=True, msg='state must be one of %s, got %r' % (', '.join(STATES), state))
        path = os.path.expanduser(args.get('path') or args['dest'])
        mode = args.get('mode')
        mode = int(mode, 8) if isinstance(mode, str) else mode
        if state == 'directory':
            os.makedirs(path, exist_ok=True)
        elif state == 'absent':
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            elif os.path.lexists(path):
                os.remove(path)
        elif state == 'link':
            os.symlink(args['src'], path)
        elif 'content' in args:
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(args['content'])
        else:
            shutil.copyfile(args['src'], path)
        if mode is not None and state in ('file', 'directory'):
            os.chmod(path, mode)
        return dict(result, changed=True)
