# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every ansible-core internal the collection's plugins use, in this one file.

The action plugins compute a module's result in the controller (plugin_utils/_action.py) with a module-shaped
stand-in (plugin_utils/_action_module.py), and the lookup reads its terms as core's lookups do: that needs a few
names ansible-core keeps private, and a few that only some versions have. They are touched here alone, so that a
new ansible-core that changes one breaks this file and its unit test (tests/unit/plugins/plugin_utils/test_compat.py,
run on every supported version); that test also fails when anything else in plugins/ or extensions/ touches one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
from collections import namedtuple

from ansible import constants as C
from ansible.plugins.lookup import LookupBase

try:
    from ansible.plugins.action import VariableLayer
except ImportError:  # before ansible-core 2.21
    VariableLayer = None


def task_environment(action):
    """The environment keyword of action's task (play, block and task merged, templated) as a dict.

    ActionBase computes it only as a shell prefix for a module's command line; its private
    _compute_environment_string also hands out the dict through raw_environment_out (the same on 2.16 to 2.21).
    """
    environment = {}
    action._compute_environment_string(raw_environment_out=environment)  # pylint: disable=protected-access
    return environment


@contextlib.contextmanager
def without_async(action):
    """For the with block, action counts as one that cannot run async, whatever its class says.

    ansible-core 2.21 lets only such actions register host variables; _supports_async is the private flag it
    reads (on every version: ActionBase.run refuses an async task when it is false).
    """
    action._supports_async = False  # pylint: disable=protected-access
    try:
        yield action
    finally:
        del action._supports_async  # pylint: disable=protected-access


def register_facts_as_variables(action, facts):
    """Register facts (a module's ansible_facts) also as host variables, as set_fact does (cacheable and not).

    Then reading a fact's top-level name gives no INJECT_FACTS_AS_VARS deprecation (2.21 and later, which have
    VariableLayer and register_host_variables). Before 2.21 a module's ansible_facts are top-level variables
    anyway, and nothing is done. Call it only when the run is not async.
    """
    if not facts or VariableLayer is None:
        return
    with without_async(action):
        action.register_host_variables(facts, VariableLayer.CACHEABLE_FACT)
        action.register_host_variables(facts, VariableLayer.EPHEMERAL_FACT)


def injects_invocation(task_vars):
    """Whether a module's result holds invocation: always before ansible-core 2.21, then only when its
    INJECT_INVOCATION setting (new in 2.21, default false) says so."""
    if 'INJECT_INVOCATION' not in C.config.get_configuration_definitions():
        return True
    return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars))


def set_module_internals(module, name, diff):
    """Give module (an AnsibleModule whose __init__ is not called) the private attributes that AnsibleModule's
    own methods read: file attributes, atomic_move, tmpdir, SELinux contexts, run_command.

    AnsibleModule.__init__ reads its arguments from stdin and may exit the process, so it is not called; it sets
    these same attributes, with these initial values, on 2.16 to 2.21. tmpdir, when a file method asks for one, is
    made in the system's temp dir (no remote tmp).
    """
    # pylint: disable=protected-access
    module._name = name
    module._diff = diff
    module._debug = False
    module._verbosity = 0
    module._socket_path = None
    module._shell = None
    module._clean = {}
    module._tmpdir = None
    module._remote_tmp = None
    module._keep_remote_files = False
    module._selinux_enabled = None
    module._selinux_mls_enabled = None
    module._selinux_initial_context = None


ValidationDetails = namedtuple('ValidationDetails', ['no_log_values', 'aliases', 'alias_warnings', 'deprecations'])


def validation_details(result):
    """What an ArgumentSpecValidator result (ValidationResult) keeps private and an AnsibleModule uses: the no_log
    values to mask, the aliases given, (option, alias) pairs both given, and the deprecations of options and
    aliases. AnsibleModule reads the same private attributes (2.16 to 2.21); copies are returned.
    """
    # pylint: disable=protected-access
    return ValidationDetails(set(result._no_log_values), dict(result._aliases),
                             [dict(warning) for warning in result._warnings],
                             [dict(deprecation) for deprecation in result._deprecations])


def flatten_terms(terms):
    """A lookup's terms with lists among them spread one level, as core's own lookups read them
    (LookupBase._flatten, a private static method on 2.16 to 2.21)."""
    return LookupBase._flatten(terms)  # pylint: disable=protected-access
