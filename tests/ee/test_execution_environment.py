# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment built from extensions/ee/execution-environment.yml: ansible-navigator runs the life-cycle
playbook in it, and ansible-runner runs a job in it the way AWX does, with the connection that the shipped
credential type injects; no secret reaches what AWX keeps of a job."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import json
import os
import re
import shutil
import subprocess

import yaml

from tools import ee
from tools.workspace_emulator.testing import EmulatorProcess, without_cloud_credentials

ROOT = ee.ROOT
# AWX hides the value of a job's environment variable whose name matches this (the job's recorded job_env).
AWX_SENSITIVE_NAME = re.compile('API|TOKEN|KEY|SECRET|PASS')
# What AWX keeps of a job: its events (and the stdout made of them), and the run's status; the private data dir,
# which holds the injected environment (env/envvars, artifacts/command), is removed after the job.
KEPT_ARTIFACTS = ('job_events/*.json', 'stdout', 'stderr', 'status', 'rc', 'fact_cache/*')


def credential_inputs(emulator):
    """A credential of the shipped type, pointed at the emulator, with a temporary AK/SK so that every secret is
    on the way."""
    return {'access_key': emulator.access_key, 'secret_key': emulator.secret_key, 'security_token': emulator.token,
            'region': emulator.region, 'endpoint': emulator.url, 'iam_endpoint': emulator.url}


def run(command, environment, cwd, timeout=600):
    completed = subprocess.run(command, cwd=str(cwd), env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout)
    return completed.returncode, completed.stdout


def test_the_image_holds_the_collection_and_what_its_metadata_declares(ee_image, containers):
    script = ('import importlib.metadata as m, requests, jmespath, ansible_runner; '
              'print(m.version("ansible-core"))')
    status, output = run(['podman', 'run', '--rm', ee_image, 'python3', '-c', script], containers, ROOT)
    assert status == 0, output
    status, output = run(['podman', 'run', '--rm', ee_image, 'ansible-galaxy', 'collection', 'list', 'hwcloud.workspace'],
                         containers, ROOT)
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        version = yaml.safe_load(handle)['version']
    assert status == 0 and re.search(r'hwcloud\.workspace\s+%s' % re.escape(version), output), output


def test_ansible_navigator_runs_the_life_cycle_playbook_in_the_ee(ee_image, containers, tmp_path):
    # A project directory as a user has one: the playbook, an inventory, and the place for the file, which
    # ansible-navigator mounts into the container.
    shutil.copy(os.path.join(ROOT, 'playbooks', 'export_desktops.yml'), str(tmp_path))
    shutil.copy(os.path.join(ROOT, 'inventory', 'localhost.yml'), str(tmp_path))
    downloads = tmp_path / 'downloads'
    downloads.mkdir()
    downloads.chmod(0o777)  # the EE runs as user 1000
    with EmulatorProcess(export_delay=1) as emulator:
        environment = without_cloud_credentials(containers)
        injected, extra_vars = ee.inject_credential(credential_inputs(emulator))
        assert extra_vars == {}
        environment.update(injected)
        environment['ANSIBLE_NAVIGATOR_CONFIG'] = os.path.join(ROOT, 'extensions', 'ee', 'ansible-navigator.yml')
        with ee.timed('ansible-navigator run export_desktops.yml in the EE'):
            status, output = run([ee.tool('ansible-navigator'), 'run', 'export_desktops.yml', '-i', 'localhost.yml',
                                  '-e', 'dest=%s' % downloads, '-e', 'wait_sleep=0.5', '-e', 'keep_task=true', '--eei', ee_image,
                                  '--container-options=--net=host'], environment, tmp_path)
        tasks = emulator.tasks()
        file_bytes = emulator.file_bytes(tasks[0]['task_id']) if tasks else None
    assert status == 0, output
    [task] = tasks
    [saved] = list(downloads.iterdir())
    assert saved.name == task['file_name'] and 'Saved %s' % saved in output
    assert 'failed=0' in output and saved.read_bytes() == file_bytes
    for secret in (emulator.secret_key, emulator.token):
        assert secret not in output


def test_a_job_run_as_awx_runs_it_reports_progress_and_keeps_no_secret(ee_image, containers, tmp_path):
    """AWX's pipe into the EE: ansible-runner transmit (the private data dir: project, inventory, extra vars, the
    credential's environment) | ansible-runner worker in the container | ansible-runner process."""
    private = tmp_path / 'private'
    for folder in ('project', 'inventory', 'env'):
        (private / folder).mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, 'playbooks', 'export_desktops.yml'), str(private / 'project'))
    (private / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    processed = tmp_path / 'processed'
    processed.mkdir()
    with EmulatorProcess(export_delay=1.5) as emulator:
        injected, extra_vars = ee.inject_credential(credential_inputs(emulator))
        extra_vars.update({'dest': '/tmp', 'wait_sleep': 0.5, 'keep_task': True})
        (private / 'env' / 'envvars').write_text(json.dumps(injected))
        (private / 'env' / 'extravars').write_text(json.dumps(extra_vars))
        pipe = ('{runner} transmit {private} -p export_desktops.yml | podman run --rm -i --net=host {image} '
                'ansible-runner worker --private-data-dir=/runner | {runner} process {processed}').format(
                    runner=ee.tool('ansible-runner'), private=private, image=ee_image, processed=processed)
        with ee.timed('ansible-runner transmit | worker in the EE | process'):
            status, output = run(['bash', '-o', 'pipefail', '-c', pipe], without_cloud_credentials(containers), tmp_path)
        [task] = emulator.tasks()
    assert status == 0, output
    artifacts = processed / 'artifacts'
    assert (artifacts / 'status').read_text() == 'successful'
    events = [json.loads(path.read_text()) for path in artifacts.glob('job_events/*.json')]
    events.sort(key=lambda event: event['counter'])

    # The module's progress lines on stderr are verbose events, tied to the task that printed them.
    progress = [event for event in events if event['event'] == 'verbose'
                and event['stdout'].startswith('hwcloud.workspace.export_task [localhost]: ')]
    assert progress, [event['stdout'] for event in events]
    assert any('1 export task(s) finished: %s SUCCESS' % task['task_id'] in event['stdout'] for event in progress)
    task_starts = dict((event['uuid'], event['event_data']['task']) for event in events
                       if event['event'] == 'playbook_on_task_start')
    for event in progress:
        assert task_starts[event['parent_uuid']] == 'Start and wait for the export of desktops'
    assert [event['event_data']['task'] for event in events if event['event'] == 'runner_on_failed'] == []
    downloaded = [event for event in events if event['event'] == 'runner_on_ok'
                  and event['event_data']['task'].startswith('Download the file of export task')]
    assert len(downloaded) == 1 and task['task_id'] in downloaded[0]['event_data']['task']

    secrets = (emulator.secret_key, emulator.token)
    kept = [path for pattern in KEPT_ARTIFACTS for path in glob.glob(str(artifacts / pattern))]
    assert len(kept) > len(events)
    for path in kept:
        with open(path, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        for secret in secrets:
            assert secret not in text, path
    # The run's environment (which AWX records as the job's job_env, hiding values by name): every variable that
    # holds a secret has a name that AWX hides.
    with open(str(artifacts / 'command')) as handle:
        run_environment = json.load(handle)['env']
    holding_secrets = sorted(name for name, value in run_environment.items() if value in secrets)
    assert holding_secrets == ['HW_SECRET_KEY', 'HW_SECURITY_TOKEN']
    assert all(AWX_SENSITIVE_NAME.search(name) for name in holding_secrets)


def test_meta_execution_environment_is_metadata_not_a_definition(containers, tmp_path):
    """ansible-builder reads meta/execution-environment.yml from the installed collection; given to
    ansible-builder as a definition, its paths resolve against meta/ itself, as the guide says."""
    status, output = run([ee.tool('ansible-builder'), 'create', '-f', 'meta/execution-environment.yml',
                          '--context', str(tmp_path / 'context')], containers, ROOT)
    assert status != 0
    assert 'meta/meta/ee-requirements.txt does not exist' in output, output
