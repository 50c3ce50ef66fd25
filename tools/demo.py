# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: the wait-until-exported workflow against the local Workspace emulator.

Run from the repository root with the venv's Python (`.venv/bin/python -m tools.demo`). It

1. builds the collection and installs the tarball into .build/demo/collections, so the demo uses the
   collection as users get it (not the checkout);
2. starts the emulator seeded with tools/demo_seed.json: older desktop list, user list and usage report
   exports (SUCCESS, EXPIRED, FAIL) and four exports that are CREATING and finish a few seconds later,
   one of them with FAIL;
3. runs playbooks/list_export_tasks.yml, then playbooks/demo.yml (waits on the running exports with the
   role hwcloud.workspace.wait_for_exports, reports the files and the failure), then
   playbooks/wait_for_exports.yml on the exports that succeeded, then the whole export life cycle with
   playbooks/export_desktops.yml (start an export of the desktop list, wait, download the file into
   .build/demo/downloads, delete the export task), all with the connection from environment variables, as
   against the cloud (the project ID is looked up in the emulator's IAM by region);
4. stops the emulator, also on errors. Exit status 0 when every step did what it should.
"""

import glob
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

from tools.workspace_emulator.testing import EmulatorProcess
from tools.workspace_emulator import DEFAULT_ACCESS_KEY, DEFAULT_REGION, DEFAULT_SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DEMO = os.path.join(ROOT, '.build', 'demo')
DIST = os.path.join(DEMO, 'dist')
COLLECTIONS = os.path.join(DEMO, 'collections')
DOWNLOADS = os.path.join(DEMO, 'downloads')
SEED = os.path.join(ROOT, 'tools', 'demo_seed.json')
INVENTORY = os.path.join(ROOT, 'inventory', 'localhost.yml')


class DemoError(Exception):
    """A step failed; the message says which."""


def banner(text):
    print('\n' + '=' * 78 + '\n== ' + text + '\n' + '=' * 78, flush=True)


def run(command, env=None, quiet=False):
    shown = shlex.join(command).replace(ROOT + os.sep, '')
    print('$ ' + shown, flush=True)
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False,
                               stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None,
                               universal_newlines=True)
    if quiet and completed.returncode != 0:
        print(completed.stdout)
    print('(exit status %d, %.1f s)' % (completed.returncode, time.monotonic() - started), flush=True)
    return completed.returncode


def install_collection():
    banner('Build the collection and install it into .build/demo/collections')
    shutil.rmtree(DEMO, ignore_errors=True)
    if run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', DIST, '.'], quiet=True):
        raise DemoError('ansible-galaxy collection build failed')
    tarball = glob.glob(os.path.join(DIST, 'hwcloud-workspace-*.tar.gz'))[0]
    if run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '-p', COLLECTIONS, tarball], quiet=True):
        raise DemoError('ansible-galaxy collection install failed')
    print('installed %s into %s' % (os.path.basename(tarball), os.path.relpath(COLLECTIONS, ROOT)))


def playbook_env(emulator):
    """The environment a user would set for the cloud, pointed at the emulator."""
    env = emulator.user_environment()
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
    })
    return env


def playbook(name, env, *extra):
    return run([os.path.join(BIN, 'ansible-playbook'), '-i', INVENTORY, os.path.join(ROOT, 'playbooks', name)] + list(extra), env=env)


def demo():
    install_collection()
    with open(SEED, encoding='utf-8') as seed_file:
        seed = json.load(seed_file)
    running = [task for task in seed['tasks'] if 'finish_after' in task]
    succeeding = [task['task_id'] for task in running if task.get('final_status', 'SUCCESS') == 'SUCCESS']

    banner('Start the local Workspace emulator (tools/demo_seed.json)')
    emulator = EmulatorProcess(seed=seed)
    try:
        print('emulator listening on %s, project %s, region %s' % (emulator.url, emulator.project_id, emulator.region))
        for task in running:
            print('  running export: %-34s finishes %s s after start as %s' % (
                task['file_name'], task['finish_after'], task.get('final_status', 'SUCCESS')))
        env = playbook_env(emulator)
        print('connection from the environment: HW_WORKSPACE_ENDPOINT, HUAWEICLOUD_SDK_IAM_ENDPOINT, '
              'HUAWEICLOUD_SDK_REGION, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (project ID looked up in IAM)')

        banner('1. List every export task: playbooks/list_export_tasks.yml')
        if playbook('list_export_tasks.yml', env):
            raise DemoError('playbooks/list_export_tasks.yml failed')

        banner('2. Wait on the running exports: playbooks/demo.yml\n'
               '== One of them ends FAIL: the role\'s [ERROR] for it is expected, and the play rescues it')
        if playbook('demo.yml', env, '-e', json.dumps({'task_ids': [task['task_id'] for task in running]})):
            raise DemoError('playbooks/demo.yml failed')

        banner('3. Wait on given task IDs (already done): playbooks/wait_for_exports.yml')
        if playbook('wait_for_exports.yml', env, '-e', json.dumps({'task_ids': succeeding, 'wait_sleep': 1})):
            raise DemoError('playbooks/wait_for_exports.yml failed')

        banner('4. Exports ready to download: playbooks/list_export_tasks.yml -e status=SUCCESS -e is_download=false')
        if playbook('list_export_tasks.yml', env, '-e', 'status=SUCCESS', '-e', 'is_download=false'):
            raise DemoError('playbooks/list_export_tasks.yml with filters failed')

        banner('5. The whole life cycle: playbooks/export_desktops.yml (start, wait, download, delete)')
        os.makedirs(DOWNLOADS, exist_ok=True)
        before = set(task['task_id'] for task in emulator.tasks())
        if playbook('export_desktops.yml', env, '-e', json.dumps({'dest': DOWNLOADS, 'wait_sleep': 1})):
            raise DemoError('playbooks/export_desktops.yml failed')
        check_life_cycle(emulator, before)

        requests = [entry for entry in emulator.requests_log() if entry['path'].endswith('/export-tasks')]
        print('\nThe emulator answered %d export-task list requests in all.' % len(requests))
    finally:
        status = emulator.stop()
        print('emulator stopped (exit status %s)' % status)


def check_life_cycle(emulator, tasks_before):
    """The downloaded file is there and whole, and its export task was deleted again."""
    files = os.listdir(DOWNLOADS)
    if len(files) != 1:
        raise DemoError('expected one file in %s, found %r' % (DOWNLOADS, files))
    path = os.path.join(DOWNLOADS, files[0])
    with open(path, 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    started = [entry for entry in emulator.requests_log() if entry['path'].endswith('/desktops/export')]
    deleted = [entry for entry in emulator.requests_log() if entry['path'].endswith('/batch-delete')]
    if len(started) != 1 or len(deleted) != 1 or set(task['task_id'] for task in emulator.tasks()) != tasks_before:
        raise DemoError('expected one export started and its task deleted again')
    print('\nDownloaded %s (%d bytes, sha256 %s); the export task is deleted.'
          % (os.path.relpath(path, ROOT), os.path.getsize(path), digest))


def main():
    try:
        demo()
    except DemoError as error:
        print('\ndemo FAILED: %s' % error, file=sys.stderr)
        return 1
    print('\ndemo done: every step succeeded.')
    print(TRY_IT_YOURSELF)
    return 0


# What to type next (README: "Use the emulator with your own playbook"); the keys are the emulator's demo keys.
TRY_IT_YOURSELF = '''
Try it yourself, from the repository root: the collection stays installed in .build/demo/collections.
  export ANSIBLE_COLLECTIONS_PATH=$PWD/.build/demo/collections
  .venv/bin/ansible-doc hwcloud.workspace.export_task_info
  .venv/bin/ansible-doc -t role hwcloud.workspace.wait_for_exports
Start the emulator again (it serves the demo's exports afresh) and point the connection at it:
  .venv/bin/python -m tools.workspace_emulator --port 8443 --seed tools/demo_seed.json &
  export HW_WORKSPACE_ENDPOINT=http://127.0.0.1:8443 HUAWEICLOUD_SDK_IAM_ENDPOINT=http://127.0.0.1:8443
  export HUAWEICLOUD_SDK_AK={access_key} HUAWEICLOUD_SDK_SK={secret_key}
  export HUAWEICLOUD_SDK_REGION={region}
  .venv/bin/ansible-playbook -i inventory/localhost.yml playbooks/list_export_tasks.yml
Any playbook of yours runs the same way (see "Use the emulator with your own playbook" in README.md).'''.format(
    access_key=DEFAULT_ACCESS_KEY, secret_key=DEFAULT_SECRET_KEY, region=DEFAULT_REGION)


if __name__ == '__main__':
    sys.exit(main())
