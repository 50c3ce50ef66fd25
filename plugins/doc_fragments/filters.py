# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The API's filters shared by the module and the lookup; each is sent only when set.
    DOCUMENTATION = r'''
options:
  file_name:
    description:
      - Only tasks whose exported file has this name.
    type: str
  status:
    description:
      - Only tasks in this state.
    type: str
    choices: [CREATING, SUCCESS, FAIL, EXPIRED]
  is_download:
    description:
      - Only tasks whose file has (V(true)) or has not (V(false)) been downloaded.
      - When unset, no C(is_download) is sent, and a listing holds what the service returns for that. The API
        documents V(false) as its default, so a service that applies it leaves downloaded tasks out of a listing of
        "every" task; set V(true) to list those. Tasks asked for by their IDs are found whether downloaded or not
        (at most one more request for each ID not found otherwise).
    type: bool
  sort_field:
    description:
      - Field to sort by. Requires O(sort_type).
      - Without it, tasks come in C(create_time) ascending order, the order in which pages are read so that no
        task is missed or repeated.
    type: str
    choices: [create_time]
  sort_type:
    description:
      - Sort order. Requires O(sort_field).
    type: str
    choices: [ASC, DESC]
'''
