# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: the module and the lookup against a hostile server, in real ansible-playbook runs.

Whatever the network does (redirect to another host, echo the token, trickle, reset), both fail with a clean
message: no traceback, no secret in any output (at -vvv too), no credential at another host.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import trustme

from ansible_collections.hwcloud.workspace.tests.unit.fake_cloud import Answer, ScriptedServer

TOKEN = 'E2E-TOKEN-0123456789abcdef'

# The token comes from a block scalar, with the newline that implies.
PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  vars:
    hwcloud_workspace_endpoint: "{{ server_url }}"
    hwcloud_workspace_project_id: proj
    hwcloud_workspace_auth_token: |
      {{ token }}
    hwcloud_workspace_retries: 1
    hwcloud_workspace_timeout: 1
  tasks:
    - name: module
      hwcloud.workspace.export_task_info:
        endpoint: "{{ server_url }}"
        project_id: proj
        auth_token: "{{ hwcloud_workspace_auth_token }}"
        retries: 1
        timeout: 1
      ignore_errors: true

    - name: lookup
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks') }}"
      ignore_errors: true
'''


@pytest.fixture
def hostile():
    servers = [ScriptedServer(), ScriptedServer(host='127.0.0.2')]
    yield servers
    for server in servers:
        server.close()


def scenario_answers(name, other_url):
    body = b'{"export_tasks": [], "count": 0, "padding": "' + b'x' * 100 + b'"}'
    return {
        'redirect': lambda request: Answer(302, raw=b'', headers={'Location': other_url + '/v2/proj/export-tasks'}),
        'echoed-token': lambda request: Answer(401, {'error_code': 'APIGW.0301', 'error_msg': 'token %s is invalid'
                                                     % request['headers'].get('X-Auth-Token')}),
        'trickle': lambda request: Answer(200, raw=body, trickle=0.05),
        'reset-mid-body': lambda request: Answer(200, raw=body, chunked=True, cut=20),
        'too-large': lambda request: Answer(200, generate=40 * 1024 * 1024),
    }[name]


EXPECTED = {
    'redirect': 'failed with HTTP 302: redirect to 127.0.0.2:',
    'echoed-token': 'failed with HTTP 401: error_code=APIGW.0301, error_msg=token ******** is invalid',
    'trickle': 'failed after 2 attempt(s): timed out reading the answer',
    'reset-mid-body': 'failed after 2 attempt(s): the connection broke after 20 bytes of the answer',
    'too-large': 'the answer is more than the 33554432 bytes allowed',
}


@pytest.mark.parametrize('scenario', sorted(EXPECTED))
def test_module_and_lookup_fail_cleanly(run_playbook, hostile, scenario):
    server, other_host = hostile
    server.default = scenario_answers(scenario, other_host.url)
    run = run_playbook(PLAYBOOK, extra_vars=dict(server_url=server.url, token=TOKEN), args=['-vvv'])
    for task in ('module', 'lookup'):
        result = run.result(task)
        assert result['_outcome'] == 'failed', result
        assert EXPECTED[scenario] in result['msg'], result['msg']
        assert server.url + '/v2/proj/export-tasks' in result['msg']
    output = run.stdout + run.stderr
    assert TOKEN not in output
    assert 'Traceback' not in output and 'MODULE FAILURE' not in output
    assert other_host.requests == []
    # The token went to the endpoint only, stripped of the block scalar's newline.
    assert set(request['headers'].get('X-Auth-Token') for request in server.requests) == {TOKEN}


@pytest.mark.parametrize('value', [[TOKEN], {'nested': TOKEN}])
def test_core_option_errors_of_the_lookup_do_not_quote_a_secret(run_playbook, hostile, value):
    server = hostile[0]
    playbook = PLAYBOOK.replace('hwcloud_workspace_auth_token: |\n      {{ token }}', 'hwcloud_workspace_auth_token: "{{ token }}"')
    run = run_playbook(playbook, extra_vars=dict(server_url=server.url, token=value), args=['-vvv'])
    assert run.result('lookup')['_outcome'] == 'failed'
    assert 'auth_token' in run.result('lookup')['msg']
    assert TOKEN not in run.stdout + run.stderr, [line for line in (run.stdout + run.stderr).splitlines() if TOKEN in line]


def test_inputs_that_would_change_the_url_fail_before_any_request(run_playbook, hostile):
    """An endpoint with a password, never shown (a project ID that would change the path is the targets export_task_info's
    and lookup_export_tasks')."""
    server = hostile[0]
    playbook = PLAYBOOK.replace('endpoint: "{{ server_url }}"', 'endpoint: "{{ attack }}"')
    run = run_playbook(playbook, extra_vars=dict(server_url=server.url, token=TOKEN, attack='http://user:e2e-password@127.0.0.1:1'))
    for task in ('module', 'lookup'):
        assert run.result(task)['_outcome'] == 'failed'
        assert 'endpoint' in run.result(task)['msg']
    assert 'e2e-password' not in run.stdout + run.stderr
    assert server.requests == []


# --- TLS against the HTTPS emulator ---------------------------------------------------------------------------

TLS_PLAYBOOK = r'''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: module
      hwcloud.workspace.export_task_info:
        ca_path: "{{ hwcloud_workspace_ca_path | default(omit) }}"
        validate_certs: "{{ hwcloud_workspace_validate_certs | default(true) }}"
        retries: 1
      ignore_errors: true

    - name: lookup
      ansible.builtin.debug:
        msg: "{{ query('hwcloud.workspace.export_tasks', query='[].task_id') }}"
      ignore_errors: true
'''


@pytest.fixture
def secure(emulator_factory):
    return emulator_factory(tls=True, seed={'tasks': [{'task_id': 'secure-task', 'file_name': 'secure.csv'}]})


def tls_environment(emulator, with_ca):
    """The user's cloud variables pointed at the emulator (project looked up in its IAM), with or without its CA."""
    environment = emulator.user_environment({})
    if not with_ca:
        del environment['HUAWEICLOUD_SDK_CA_PATH']
    return environment


def assert_clean_failures(run, words):
    for task in ('module', 'lookup'):
        result = run.result(task)
        assert result['_outcome'] == 'failed', result
        for word in words:
            assert word in result['msg'], result['msg']
    assert 'Traceback' not in run.stdout + run.stderr and 'MODULE FAILURE' not in run.stdout + run.stderr


@pytest.mark.parametrize('source', ['environment', 'variables'])
def test_ca_path_verifies_workspace_and_iam(run_playbook, secure, source):
    extra_vars = {'hwcloud_workspace_ca_path': secure.ca_path} if source == 'variables' else {}
    run = run_playbook(TLS_PLAYBOOK, extra_vars=extra_vars, env=tls_environment(secure, with_ca=source == 'environment'))
    assert run.rc == 0, run.stdout + run.stderr
    assert [task['task_id'] for task in run.result('module')['export_tasks']] == ['secure-task']
    assert run.result('lookup')['msg'] == ['secure-task']
    # The project ID came from the emulator's IAM, over the same verified HTTPS.
    assert any(entry['path'] == '/v3/projects' for entry in secure.requests_log())


def test_an_untrusted_certificate_fails_cleanly(run_playbook, secure):
    run = run_playbook(TLS_PLAYBOOK, env=tls_environment(secure, with_ca=False))
    assert_clean_failures(run, ['TLS error', 'CERTIFICATE_VERIFY_FAILED', 'validate_certs is True'])


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_validate_certs_false_wins_over_a_ca_bundle_in_the_environment(run_playbook, secure, tmp_path, variable):
    unrelated = tmp_path / 'unrelated-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(unrelated))
    environment = tls_environment(secure, with_ca=False)
    environment[variable] = str(unrelated)
    run = run_playbook(TLS_PLAYBOOK, extra_vars={'hwcloud_workspace_validate_certs': False}, env=environment)
    assert run.rc == 0, run.stdout + run.stderr
    assert run.result('lookup')['msg'] == ['secure-task']
    assert [task['task_id'] for task in run.result('module')['export_tasks']] == ['secure-task']


def test_a_redirect_to_object_storage_carries_no_credential(run_playbook, secure):
    secure.inject({'redirect': secure.storage_url + '/elsewhere', 'count': 100})
    run = run_playbook(TLS_PLAYBOOK, env=tls_environment(secure, with_ca=True))
    assert_clean_failures(run, ['failed with HTTP 302: redirect to 127.0.0.2:'])
    assert secure.storage_requests() == []
