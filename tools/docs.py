# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make docs`: the collection's docs site, built offline by Sphinx with warnings as errors.

Run with the release tools' Python (`make docs`), with ANSIBLE_COLLECTIONS_PATH holding this checkout as
ansible_collections/hwcloud/workspace. It

1. writes the site template with `antsibull-docs sphinx-init` into .build/docs (nothing of it is committed:
   the template comes from the antsibull-docs that is installed, the content from plugins/, roles/ and docs/);
2. replaces the template's intersphinx inventories, which Sphinx would download, by one written here for
   docs.ansible.com: the labels antsibull-docs' own pages link to and every ansible.builtin plugin, so links
   to ansible-core's docs resolve (to the real pages) and a link to anything else is still an error;
3. runs the template's build.sh (`antsibull-docs collection --fail-on-error`, `sphinx-build -W`).
"""

import json
import os
import shutil
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, '.build', 'docs')
BIN = os.path.dirname(sys.executable)
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
INVENTORY = 'ansible_devel.inv'

# Labels of ansible-core's documentation that antsibull-docs' page templates refer to.
CORE_LABELS = {
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'collections_keyword': ('collections_guide/collections_using_playbooks.html#simplifying-module-names-with-the-collections-keyword',
                            'Simplifying module names with the collections keyword'),
    'list_of_collections': ('collections/index.html', 'Collection Index'),
    'action_plugins': ('plugins/action.html', 'Action plugins'),
    'callback_plugins': ('plugins/callback.html', 'Callback plugins'),
    'list_of_callback_plugins': ('collections/index_callback.html', 'Index of all Callback Plugins'),
}
PLUGIN_TYPES = ('become', 'cache', 'callback', 'cliconf', 'connection', 'filter', 'httpapi', 'inventory', 'lookup',
                'module', 'netconf', 'shell', 'strategy', 'test', 'vars')


def run(command, **kwargs):
    # Listing ansible.builtin's callbacks warns that some are deprecated: not this collection's concern.
    environment = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_DEPRECATION_WARNINGS='false')
    return subprocess.run(command, check=True, env=environment, **kwargs)


def builtin_plugins():
    for plugin_type in PLUGIN_TYPES:
        listed = run([os.path.join(BIN, 'ansible-doc'), '-t', plugin_type, '-l', '--json', 'ansible.builtin'],
                     stdout=subprocess.PIPE, universal_newlines=True).stdout
        for name in sorted(json.loads(listed)):
            yield plugin_type, name.split('.')[-1]


def write_inventory(path):
    """A Sphinx objects.inv (version 2) for ansible-core's docs: std labels only."""
    lines = ['%s std:label -1 %s %s' % (label, uri, title) for label, (uri, title) in sorted(CORE_LABELS.items())]
    lines.append('ansible_collections.ansible.builtin std:label -1 collections/ansible/builtin/index.html Ansible.Builtin')
    for plugin_type, name in builtin_plugins():
        lines.append('ansible_collections.ansible.builtin.{0}_{1} std:label -1 collections/ansible/builtin/{0}_{1}.html '
                     'ansible.builtin.{0} {1}'.format(name, plugin_type))
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    with open(path, 'wb') as handle:
        handle.write(header.encode('utf-8') + zlib.compress(('\n'.join(lines) + '\n').encode('utf-8')))


def main():
    shutil.rmtree(SITE, ignore_errors=True)
    os.makedirs(SITE, mode=0o755)
    os.chmod(SITE, 0o755)  # antsibull-docs wants it writable by its owner only, whatever the umask
    run([os.path.join(BIN, 'antsibull-docs'), 'sphinx-init', '--use-current', '--squash-hierarchy', '--fail-on-error',
         '--no-add-antsibull-docs-version', '--project', 'hwcloud.workspace', '--copyright', 'hwcloud.workspace developers',
         '--title', 'hwcloud.workspace', '--dest-dir', SITE, 'hwcloud.workspace'], stdout=subprocess.DEVNULL)
    write_inventory(os.path.join(SITE, INVENTORY))
    with open(os.path.join(SITE, 'conf.py'), 'a', encoding='utf-8') as conf:
        conf.write('\n# Offline build (hwcloud.workspace tools/docs.py): no inventory is downloaded.\n'
                   'intersphinx_mapping = {%r: (%r, %r)}\n' % ('ansible_devel', ANSIBLE_DOCS, os.path.join(SITE, INVENTORY)))
    run(['bash', os.path.join(SITE, 'build.sh')])
    print('docs site: %s' % os.path.relpath(os.path.join(SITE, 'build', 'html', 'index.html'), ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
