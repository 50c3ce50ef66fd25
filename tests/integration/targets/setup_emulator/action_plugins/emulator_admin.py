# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: a change to the emulator's state through its admin API, sent from the controller.

The targets set up faults, export settings and tasks with it instead of ansible.builtin.uri, whose every call is a
module process (about half a second of CPU, times both execution paths and every ansible-core leg). It takes uri's
url, method, body (sent as JSON, as body_format json does), headers and status_code, and returns status and json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase

DOCUMENTATION = '''
name: emulator_admin
short_description: Change the test emulator's state through its admin API, from the controller
description: A test helper of the integration targets; see the module docstring.
'''


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('url', 'method', 'body', 'body_format', 'headers', 'status_code'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        headers = dict(args.get('headers') or {})
        data = None
        if 'body' in args:
            data = json.dumps(args['body'], cls=AnsibleJSONEncoder)
            headers.setdefault('Content-Type', 'application/json')
        expected = args.get('status_code', [200])
        expected = [int(code) for code in (expected if isinstance(expected, list) else [expected])]
        try:
            answer = open_url(args['url'], data=data, headers=headers, method=args.get('method', 'GET'), timeout=30)
            status, content = answer.status, answer.read()
        except HTTPError as exc:
            status, content = exc.code, exc.read()
        result.update(changed=False, status=status)
        try:
            result['json'] = json.loads(content)
        except ValueError:
            result['content'] = content.decode('utf-8', 'replace')
        if status not in expected:
            result.update(failed=True, msg='Status code was %s and not %s: %s' % (status, expected, content[:500]))
        return result
