# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/regions_export_tasks.yml against two emulators at once, standing in for two regions with a project
each: one inventory host per region and project (as inventory/regions.yml), connection from host variables."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REGIONS = (('beijing4', 'cn-north-4', '0e1d2c3b4a5968778695a4b3c2d1e0f1'),
           ('singapore', 'ap-southeast-1', '5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0'))


def start_regions(emulator_factory, tmp_path, running):
    """Two emulators, each with a finished export and the given running ones; the inventory that names them."""
    emulators, hosts = {}, {}
    for host, region, project_id in REGIONS:
        emulator = emulator_factory(seed={'region': region, 'project_id': project_id, 'tasks': [
            {'task_id': '%s-done' % host, 'file_name': '%s-users.xlsx' % host, 'status': 'SUCCESS'}]})
        emulator.add_tasks([dict(task, task_id='%s-%s' % (host, task['task_id'])) for task in running.get(host, [])])
        emulators[host] = emulator
        hosts[host] = {'hwcloud_workspace_region': region, 'hwcloud_workspace_project_id': project_id,
                       'hwcloud_workspace_endpoint': emulator.url, 'hwcloud_workspace_iam_endpoint': emulator.url}
    with open(os.path.join(ROOT, 'inventory', 'regions.yml')) as handle:
        shipped = yaml.safe_load(handle)
    group = shipped['all']['children']['workspace_regions']
    inventory = {'all': {'children': {'workspace_regions': {'vars': group['vars'], 'hosts': hosts}}}}
    path = tmp_path / 'regions.yml'
    path.write_text(yaml.safe_dump(inventory))
    return emulators, str(path)


def credentials(emulators):
    emulator = emulators['beijing4']  # both accept the same demo AK/SK
    return {'HW_ACCESS_KEY': emulator.access_key, 'HW_SECRET_KEY': emulator.secret_key}


def test_lists_and_waits_in_every_region_and_says_where_each_task_is(emulator_factory, run_playbook, tmp_path):
    # Each running task finishes once two list answers have shown it CREATING (the listing, then the wait's first
    # look): the playbook's own requests are the clock, so a slow start of ansible-playbook cannot let it finish first.
    emulators, inventory = start_regions(emulator_factory, tmp_path, {
        'beijing4': [{'task_id': 'running', 'file_name': 'beijing4-desktops.xlsx', 'finish_after_listings': 2}],
        'singapore': [{'task_id': 'running', 'file_name': 'singapore-desktops.xlsx', 'finish_after_listings': 2}]})
    run = run_playbook('regions_export_tasks.yml', env=credentials(emulators),
                       args=('-i', inventory, '--forks', '2', '-e', 'wait_sleep=0.3', '-e', 'wait_timeout=120'))
    assert run.rc == 0, run.stdout + run.stderr

    # The deadline is computed once for the run, and each host's wait gets what is left of the one time-out.
    assert len(run.results['Compute the deadline of the whole run']) == 1
    waits = run.results['Wait for the export tasks still being created, until the deadline of the run']
    assert len(waits) == 2
    for wait in waits:
        assert 0 < float(wait['invocation']['module_args']['wait_timeout']) <= 120
        assert [task['status'] for task in wait['export_tasks']] == ['SUCCESS']

    recorded = {}
    for result in run.results["Record this host's export tasks with their region and project"]:
        for task in result['ansible_facts']['regions_export_tasks']:
            recorded[task['task_id']] = (task['host'], task['region'], task['project_id'], task['status'])
    assert recorded == {
        'beijing4-done': ('beijing4', 'cn-north-4', '0e1d2c3b4a5968778695a4b3c2d1e0f1', 'SUCCESS'),
        'beijing4-running': ('beijing4', 'cn-north-4', '0e1d2c3b4a5968778695a4b3c2d1e0f1', 'SUCCESS'),
        'singapore-done': ('singapore', 'ap-southeast-1', '5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0', 'SUCCESS'),
        'singapore-running': ('singapore', 'ap-southeast-1', '5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0', 'SUCCESS'),
    }
    [report] = run.results['Report the export tasks of every region and project']
    assert sorted(report['msg']) == sorted([
        'cn-north-4 / 0e1d2c3b4a5968778695a4b3c2d1e0f1: beijing4-done SUCCESS beijing4-users.xlsx',
        'cn-north-4 / 0e1d2c3b4a5968778695a4b3c2d1e0f1: beijing4-running SUCCESS beijing4-desktops.xlsx',
        'ap-southeast-1 / 5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0: singapore-done SUCCESS singapore-users.xlsx',
        'ap-southeast-1 / 5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0: singapore-running SUCCESS singapore-desktops.xlsx'])
    # Each region's requests went to its own emulator, for its own project.
    for host, _region, project_id in REGIONS:
        paths = [entry['path'] for entry in emulators[host].requests_log()]
        assert paths and all(path.startswith('/v2/%s/' % project_id) for path in paths), paths
    assert emulators['beijing4'].secret_key not in run.stdout + run.stderr


def test_a_region_that_does_not_finish_in_time_fails_alone(emulator_factory, run_playbook, tmp_path):
    emulators, inventory = start_regions(emulator_factory, tmp_path, {
        'singapore': [{'task_id': 'stuck', 'file_name': 'singapore-desktops.xlsx', 'finish_after': 3600}]})
    run = run_playbook('regions_export_tasks.yml', env=credentials(emulators),
                       args=('-i', inventory, '-e', 'wait_sleep=0.3', '-e', 'wait_timeout=2'))
    assert run.rc == 2, run.stdout + run.stderr
    waits = run.results['Wait for the export tasks still being created, until the deadline of the run']
    assert sorted(wait['_outcome'] for wait in waits) == ['failed', 'skipped']  # beijing4 had nothing running
    [failed] = [wait for wait in waits if wait['_outcome'] == 'failed']
    assert 'singapore-stuck' in failed['msg']
    # What was left of the run's two seconds when singapore's wait started, not two more.
    assert 0 <= float(failed['invocation']['module_args']['wait_timeout']) < 2
    [report] = run.results['Report the export tasks of every region and project']
    assert report['msg'] == ['cn-north-4 / 0e1d2c3b4a5968778695a4b3c2d1e0f1: beijing4-done SUCCESS beijing4-users.xlsx']


def test_a_host_without_a_project_is_refused_before_any_request(emulator_factory, run_playbook, tmp_path):
    emulators, inventory = start_regions(emulator_factory, tmp_path, {})
    text = (tmp_path / 'regions.yml').read_text().replace('hwcloud_workspace_project_id: 5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0', '')
    (tmp_path / 'regions.yml').write_text(text)
    run = run_playbook('regions_export_tasks.yml', env=credentials(emulators), args=('-i', inventory))
    assert run.rc == 2, run.stdout + run.stderr
    failed = [result for result in run.results['Check that the host names a region and a project']
              if result['_outcome'] == 'failed']
    assert len(failed) == 1 and 'Host singapore needs hwcloud_workspace_region and hwcloud_workspace_project_id' in failed[0]['msg']
    assert emulators['singapore'].requests_log() == []
