# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role export_and_download's README example ends with a task that the target role_export_and_download runs in
check mode (files/check_mode.yml): the two stay the same task, so what the target proves holds for the README."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')


def _read(*parts):
    with open(os.path.join(ROOT, *parts), encoding='utf-8') as handle:
        return handle.read()


def test_the_readme_example_shows_the_file_as_the_check_mode_playbook_does():
    readme_plays = [yaml.safe_load(block) for block in
                    re.findall(r'```yaml\n(.*?)```', _read('roles', 'export_and_download', 'README.md'), re.S)]
    shown = readme_plays[0][0]['tasks'][-1]
    checked = yaml.safe_load(_read('tests', 'integration', 'targets', 'role_export_and_download', 'files',
                                   'check_mode.yml'))[0]['tasks'][-1]
    assert shown['name'] == checked['name'] == 'Show where the file is'
    assert shown == checked
