# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The export setting download_encoding: downloads sent gzip-compressed whatever the client asked for."""

import gzip
import hashlib

import pytest
import requests

from tools.workspace_emulator.testing import EmulatorError, EmulatorProcess

SIZE = 3 * 1024 * 1024


@pytest.fixture(scope='module')
def emulator():
    with EmulatorProcess(seed={'tasks': [{'task_id': 'gz', 'file_name': 'gz.csv', 'file_size': SIZE},
                                         {'task_id': 'small', 'file_name': 'small.xlsx'}]}) as running:
        yield running


@pytest.fixture
def encoded(emulator):
    emulator.export_settings(download_encoding='gzip', download='file')
    yield emulator
    emulator.export_settings(download_encoding=None, download='file')


def download(emulator, task_id):
    """The raw answer to a download that asks for no encoding."""
    response = requests.get('%s/v2/%s/export-tasks/%s/download' % (emulator.url, emulator.project_id, task_id),
                            headers={'X-Auth-Token': emulator.token, 'Accept-Encoding': 'identity'}, stream=True,
                            timeout=60, proxies={'http': None, 'https': None})
    with response:
        return response, response.raw.read(decode_content=False)


@pytest.mark.parametrize('task_id', ['gz', 'small'])
def test_a_download_is_sent_compressed_with_its_length_and_the_sent_digest(encoded, task_id):
    response, body = download(encoded, task_id)
    assert response.status_code == 200 and response.headers['Content-Encoding'] == 'gzip'
    assert int(response.headers['Content-Length']) == len(body)
    assert gzip.decompress(body) == encoded.file_bytes(task_id)
    sent = encoded.sent_digest(task_id)
    assert sent == {'content_encoding': 'gzip', 'size': len(body), 'sha256': hashlib.sha256(body).hexdigest()}
    assert encoded.file_digest(task_id)['sha256'] == hashlib.sha256(gzip.decompress(body)).hexdigest()


def test_object_storage_sends_compressed_too(encoded):
    encoded.export_settings(download='redirect')
    response = requests.get('%s/v2/%s/export-tasks/gz/download' % (encoded.url, encoded.project_id),
                            headers={'X-Auth-Token': encoded.token}, allow_redirects=False, timeout=60,
                            proxies={'http': None, 'https': None})
    stored = requests.get(response.headers['Location'], headers={'Accept-Encoding': 'identity'}, stream=True, timeout=60,
                          proxies={'http': None, 'https': None})
    with stored:
        body = stored.raw.read(decode_content=False)
    assert stored.headers['Content-Encoding'] == 'gzip' and len(gzip.decompress(body)) == SIZE


def test_without_the_setting_the_file_is_sent_as_it_is(emulator):
    response, body = download(emulator, 'gz')
    assert 'Content-Encoding' not in response.headers and len(body) == SIZE
    sent = emulator.sent_digest('gz')
    assert sent['content_encoding'] is None and sent['size'] == SIZE


@pytest.mark.parametrize('value', ['br', 'GZIP', True, ''])
def test_an_unknown_encoding_is_refused(emulator, value):
    with pytest.raises(EmulatorError) as raised:
        emulator.export_settings(download_encoding=value)
    assert 'download_encoding must be null or one of gzip' in str(raised.value)
    assert emulator.export_settings()['download_encoding'] is None
