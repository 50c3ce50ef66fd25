# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""DownloadExportFile: the answer in its three shapes, streamed to a temporary file with its sha256."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import os
import re
import tempfile

from urllib.parse import quote, urljoin, urlsplit

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
    WorkspaceTransportError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._project import resolve_project_id

CHUNK_SIZE = 1024 * 1024
# A JSON answer that points at the file is small; more than this is not a link.
MAX_LINK_ANSWER = 64 * 1024
# Keys under which a JSON answer may carry the link (the SDK's download_url first).
LINK_KEYS = ('download_url', 'url', 'download_link', 'file_url')
CHECKSUM_PATTERN = re.compile(r'^sha256:([0-9a-fA-F]{64})$')


def parse_checksum(checksum):
    """The lower-case hex digest of a checksum option 'sha256:<hex>' (None stays None)."""
    if checksum is None:
        return None
    match = CHECKSUM_PATTERN.match(checksum.strip())
    if not match:
        raise WorkspaceConfigError('checksum must be sha256:<64 hexadecimal digits>, got %r' % (checksum,))
    return match.group(1).lower()


def safe_file_name(file_name, task_id):
    """The task's file_name as a name inside the destination directory; anything that could leave it is refused."""
    if not isinstance(file_name, str) or not file_name or file_name in ('.', '..') or '/' in file_name \
            or '\\' in file_name or '\0' in file_name or '..' in file_name:
        raise WorkspaceConfigError('Export task %s has the file_name %r, which is not a plain file name: '
                                   'give dest as a file path instead of a directory' % (task_id, file_name))
    return file_name


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _host(url):
    """Scheme, host and port of a URL: a pre-signed link's query holds a signature that no message may show."""
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc)


def _link_from_json(response, url):
    text = response.raw.read(MAX_LINK_ANSWER + 1, decode_content=True)
    try:
        body = json.loads(text.decode('utf-8')) if len(text) <= MAX_LINK_ANSWER else None
    except ValueError:
        body = None
    link = next((body[key] for key in LINK_KEYS if isinstance(body, dict) and isinstance(body.get(key), str)), None)
    if link is None:
        raise WorkspaceApiError('GET', url, response.status_code,
                                detail='the answer is JSON but holds no link to the file (%s)' % ', '.join(LINK_KEYS))
    return link


def open_export_file(client, task_id):
    """The open streamed response that carries the file of task_id; the caller closes it.

    The service answers with the file itself, with a redirect (3xx Location), or with JSON holding a link.
    A link goes to object storage and is followed with client.open_external: no Workspace credential.
    """
    path = '/v2/%s/export-tasks/%s/download' % (resolve_project_id(client), quote(task_id, safe=''))
    url = client.connection.endpoint + path
    response = client.request('GET', client.connection.endpoint, path, project_id=client.connection.project_id,
                              stream=True)
    try:
        if 300 <= response.status_code < 400:
            link = response.headers.get('Location')
            if not link:
                raise WorkspaceApiError('GET', url, response.status_code, detail='a redirect without Location')
        elif response.headers.get('Content-Type', '').split(';')[0].strip().lower() == 'application/json':
            link = _link_from_json(response, url)
        else:
            return response
    except BaseException:
        response.close()
        raise
    response.close()
    link = urljoin(url, link)
    return client.open_external(link)


def save_to_temp(response, directory, name):
    """Stream the body into a new temporary file in directory; returns (temp path, size, sha256 hex).

    Memory stays at one chunk whatever the size. On any failure the temporary file is removed.
    """
    digest = hashlib.sha256()
    size = 0
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % name, suffix='.part')
    try:
        with os.fdopen(handle, 'wb') as output:
            try:
                for chunk in response.iter_content(CHUNK_SIZE):
                    output.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
            except Exception as exc:  # requests' and urllib3's errors for a body cut short
                raise WorkspaceTransportError('The download from %s broke off after %d bytes: %s'
                                              % (_host(response.url or ''), size, exc.__class__.__name__))
            output.flush()
            os.fsync(output.fileno())
    except BaseException:
        os.unlink(temp_path)
        raise
    finally:
        response.close()
    return temp_path, size, digest.hexdigest()
