# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The decision environment built from extensions/ee/decision-environment.yml: ansible-rulebook runs the CLI rulebook
in it and downloads an export that finishes; the controller rulebook (run_job_template) is valid against the
schema of the ansible-rulebook that the DE holds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import subprocess
import time
import uuid

import yaml

from tools import ee
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

ROOT = ee.ROOT
INSTALLED = '/usr/share/ansible/collections/ansible_collections/hwcloud/workspace'
CONTROLLER_RULEBOOK = 'extensions/eda/rulebooks/launch_download_job.yml'
# Generous: reached only when something is broken.
PATIENCE = 180

VALIDATE = '''
import importlib.resources, json, sys, jsonschema, yaml
schema = json.loads(importlib.resources.files("ansible_rulebook").joinpath("schema/ruleset_schema.json").read_text())
for path in sys.argv[1:]:
    with open(path) as handle:
        jsonschema.validate(yaml.safe_load(handle), schema)
    print("valid:", path)
'''


def wait_for(condition, what, process, log_path):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        output = log_path.read_text(errors='replace')
        assert process.poll() is None, 'ansible-rulebook exited while waiting for %s:\n%s' % (what, output)
        assert time.monotonic() < deadline, 'no %s within %d s:\n%s' % (what, PATIENCE, output)
        time.sleep(0.2)


def test_the_rulebook_in_the_de_downloads_a_finished_export(de_image, containers, tmp_path):
    # Mounted at /de: pytest's folders are closed to the DE's user (1000), which writes the downloads.
    mounted = tmp_path / 'de'
    downloads = mounted / 'downloads'
    downloads.mkdir(parents=True)
    mounted.chmod(0o755)
    downloads.chmod(0o777)
    shutil.copy(os.path.join(ROOT, 'inventory', 'localhost.yml'), str(mounted))
    log_path = tmp_path / 'ansible-rulebook.log'
    name = 'hwcloud-workspace-de-test-%s' % uuid.uuid4().hex[:12]
    with EmulatorProcess() as emulator:
        injected, _extra_vars = ee.inject_credential({'access_key': emulator.access_key, 'secret_key': emulator.secret_key,
                                                      'security_token': emulator.token, 'region': emulator.region,
                                                      'endpoint': emulator.url, 'iam_endpoint': emulator.url})
        environment = without_cloud_credentials(containers)
        environment.update(injected)
        environment.update({'EXPORT_DOWNLOAD_DIR': '/de/downloads', 'EXPORT_POLL_INTERVAL': '0.5'})
        passed = ['--env=%s' % variable for variable in sorted(injected) + ['EXPORT_DOWNLOAD_DIR', 'EXPORT_POLL_INTERVAL']]
        command = ['podman', 'run', '--rm', '--name', name, '--net=host', '--volume', '%s:/de' % mounted]
        command += passed + [de_image, 'ansible-rulebook', '--rulebook', 'hwcloud.workspace.download_finished_exports',
                             '--inventory', '/de/localhost.yml',
                             '--env-vars', 'EXPORT_DOWNLOAD_DIR,EXPORT_POLL_INTERVAL', '-v']
        started = time.monotonic()
        with open(str(log_path), 'wb') as log:
            process = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: any(entry['path'].endswith('/export-tasks') for entry in emulator.requests_log()),
                     'a poll of the export tasks', process, log_path)
            [running] = emulator.add_tasks([{'file_name': 'users.xlsx', 'status': 'CREATING'}])
            added = time.monotonic()
            wait_for(lambda: any(entry['path'].endswith('/export-tasks') and entry['started'] > added
                                 for entry in emulator.requests_log()), 'a poll that sees the running export',
                     process, log_path)
            emulator.finish_tasks([running['task_id']])
            wait_for(lambda: (downloads / 'users.xlsx').exists() and 'PLAY RECAP' in log_path.read_text(errors='replace'),
                     'the download', process, log_path)
            ee.TIMINGS.append(('ansible-rulebook in the DE: start to downloaded file', time.monotonic() - started))
        finally:
            subprocess.run(['podman', 'rm', '--force', '--time', '10', name], env=environment,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            process.wait(60)
        file_bytes = emulator.file_bytes(running['task_id'])
    output = log_path.read_text(errors='replace')
    assert (downloads / 'users.xlsx').read_bytes() == file_bytes
    assert sorted(path.name for path in downloads.iterdir()) == ['users.xlsx']
    for secret in (emulator.secret_key, emulator.token):
        assert secret not in output


def test_the_controller_rulebook_is_valid_for_the_des_ansible_rulebook(de_image, containers):
    """Valid against the JSON schema shipped inside the ansible_rulebook package, as installed in the DE, from
    the collection as the DE holds it; its job template and organization are the activation's variables."""
    completed = subprocess.run(['podman', 'run', '--rm', de_image, 'python3', '-c', VALIDATE,
                                '%s/%s' % (INSTALLED, CONTROLLER_RULEBOOK),
                                '%s/extensions/eda/rulebooks/download_finished_exports.yml' % INSTALLED],
                               env=containers, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout.count('valid: ') == 2, completed.stdout

    with open(os.path.join(ROOT, CONTROLLER_RULEBOOK)) as handle:
        [ruleset] = yaml.safe_load(handle)
    actions = [rule['action'] for rule in ruleset['rules']]
    launches = [action['run_job_template'] for action in actions if 'run_job_template' in action]
    assert launches == [{'name': '{{ DOWNLOAD_JOB_TEMPLATE }}', 'organization': '{{ DOWNLOAD_JOB_ORGANIZATION }}',
                         'job_args': {'extra_vars': {'export_task_id': '{{ event.export_task.task_id }}'}}}]
    # EDA controller runs no playbook itself.
    assert not any('run_playbook' in action for action in actions)
    assert json.dumps(ruleset['sources']) == json.dumps(
        [{'name': 'Workspace export tasks',
          'hwcloud.workspace.export_tasks': {'interval': '{{ EXPORT_POLL_INTERVAL | default(30) }}',
                                             'since': '{{ EXPORT_CATCH_UP | default(0) }}'}}])
