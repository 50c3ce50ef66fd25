# -*- coding: utf-8 -*-
# SPDX-License-Identifier: BSD-2-Clause

"""What the emulator lets out and lets in: no signature of a pre-signed URL in its logs, no answer to a Host that is
not its own (DNS rebinding), and no admin call that a web page in a browser on the same machine could make."""

import json
import urllib.parse

import pytest

from tools.workspace_emulator.testing import EmulatorProcess


@pytest.fixture(scope='module')
def emulator():
    with EmulatorProcess() as running:
        running.export_settings(download='json')
        yield running


@pytest.fixture
def api(api_for, emulator):
    emulator.clear_log()
    emulator.clear_storage_log()
    return api_for(emulator)


def test_the_signature_of_a_presigned_url_is_masked_in_every_log(emulator, api, http_session):
    [task] = emulator.add_tasks([{'file_name': 'masked.xlsx'}])
    url = api.signed('/v2/%s/export-tasks/%s/download' % (emulator.project_id, task['task_id'])).json()['download_url']
    signature = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))['Signature']
    assert http_session.get(url, timeout=10).status_code == 200
    # The API listener masks such a parameter too (the list API ignores unknown parameters).
    assert api.signed(api.tasks_path(), {'X-Amz-Signature': 'api-side-signature'}).status_code == 200
    [stored] = emulator.storage_requests()
    assert (stored['status'], stored['query']['Signature'], stored['query']['AccessKeyId']) == (200, '***', 'EMULATORSTORAGEKEY01')
    assert stored['raw_query'].endswith('&Signature=***')
    listed = emulator.requests_log()[-1]
    assert (listed['query']['X-Amz-Signature'], listed['raw_query']) == ('***', 'X-Amz-Signature=***')
    logs = emulator.stderr_text() + json.dumps(emulator.storage_requests()) + json.dumps(emulator.requests_log())
    for secret in (signature, urllib.parse.quote(signature, safe=''), urllib.parse.quote_plus(signature), 'api-side-signature'):
        assert secret not in logs
    assert 'Signature=***' in emulator.stderr_text()
