# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The ceiling of every front end that lists export tasks; its argument spec is MAX_TASKS_ARG_SPEC in
    # plugins/module_utils/_pages.py (tests/unit/plugins/doc_fragments/test_listing.py keeps the two equal).
    DOCUMENTATION = r'''
options:
  max_tasks:
    description:
      - The most export tasks that one listing of every matching task holds, from 1 to 1000000.
      - When the API counts more matching tasks, or sends more than that while its pages are read, the listing fails
        at once, naming this option, instead of reading on; about 0.5 KB is held per task, so memory stays bounded
        whatever count the service claims or however many pages it sends.
      - Tasks asked for by their IDs are found without such a listing when it would hold more (one request per ID).
    type: int
    default: 100000
'''
