# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: ansible.builtin.stat of a path on the controller, without a module process.

The targets read what the modules wrote with it: on both execution paths the target host is this machine, and a
built-in module is a process of its own (about a third of a second of CPU, times both paths and every ansible-core
leg). It takes stat's path, checksum_algorithm (sha1, the default, or sha256), get_checksum and follow (false, stat's
default, the only one taken), and returns the part
of stat's result the targets read: stat.exists, and for a path that exists size, mode ('0644'), isreg, isdir, islnk
(the path itself, not what a link points to) and for a regular file checksum."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import stat

from ansible.plugins.action import ActionBase

DOCUMENTATION = '''
name: disk_stat
short_description: ansible.builtin.stat of a path on the controller, for the integration targets
description: A test helper of the integration targets; see the module docstring.
'''

CHUNK = 1024 * 1024


def checksum(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('path', 'checksum_algorithm', 'get_checksum', 'follow'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        algorithm = args.get('checksum_algorithm', 'sha1')
        if args.get('follow', False):
            return dict(result, failed=True, msg='follow: true is not taken; the targets read links themselves')
        if algorithm not in ('sha1', 'sha256'):
            return dict(result, failed=True, msg='checksum_algorithm must be sha1 or sha256, got %r' % (algorithm,))
        path = os.path.expanduser(args['path'])
        try:
            found = os.lstat(path)
        except FileNotFoundError:
            return dict(result, changed=False, stat={'exists': False})
        facts = {'exists': True, 'size': found.st_size, 'mode': '%04o' % stat.S_IMODE(found.st_mode),
                 'isreg': stat.S_ISREG(found.st_mode), 'isdir': stat.S_ISDIR(found.st_mode),
                 'islnk': stat.S_ISLNK(found.st_mode)}
        if facts['isreg'] and args.get('get_checksum', True):
            facts['checksum'] = checksum(path, algorithm)
        return dict(result, changed=False, stat=facts)
