# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: ansible.builtin.find in one directory on the controller, without a module process.

Why on the controller: see disk_stat. It takes find's paths (one directory), patterns (shell patterns of file names,
all files without them) and hidden (names starting with a dot too), and returns files (each with its path), sorted,
and matched. Like find without recurse, it lists the regular files of the directory, not what is below it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
import os

from ansible.plugins.action import ActionBase

DOCUMENTATION = '''
name: disk_find
short_description: ansible.builtin.find in one directory on the controller, for the integration targets
description: A test helper of the integration targets; see the module docstring.
'''


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('paths', 'patterns', 'hidden'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        patterns = args.get('patterns') or ['*']
        patterns = [patterns] if isinstance(patterns, str) else patterns
        directory = os.path.expanduser(args['paths'])
        files = []
        for entry in sorted(os.scandir(directory), key=lambda entry: entry.name):
            if (entry.is_file(follow_symlinks=False) and (args.get('hidden', False) or not entry.name.startswith('.'))
                    and any(fnmatch.fnmatch(entry.name, pattern) for pattern in patterns)):
                files.append({'path': entry.path})
        return dict(result, changed=False, files=files, matched=len(files))
