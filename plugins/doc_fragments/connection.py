# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options of every module and lookup. Modules read the environment through
    # their argument spec; plugins add the PLUGINS fragment below, which declares env and vars.
    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - Access key ID (AK) for C(SDK-HMAC-SHA256) request signing, used together with O(secret_key).
      - If not set, the environment variable E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) is used (the first one that is
        set and not empty; an empty one counts as not set).
      - When neither options nor the environment give any credentials, C(ak) from the C([basic]) section of the
        official SDK's profile file C(~/.huaweicloud/credentials) (or the file named by E(HUAWEICLOUD_SDK_CREDENTIALS_FILE))
        is used, together with its C(sk), C(security_token), C(project_id) and C(iam_endpoint).
      - Mutually exclusive with O(auth_token).
    type: str
  secret_key:
    description:
      - Secret access key (SK) that signs the requests. It is never sent, logged or returned.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent (and signed) as the C(X-Security-Token) header.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) is used.
    type: str
  auth_token:
    description:
      - IAM token, sent as the C(X-Auth-Token) header instead of signing the requests.
      - Give either this or O(access_key) and O(secret_key), not both.
      - If not set, the environment variable E(HW_AUTH_TOKEN) is used.
    type: str
  region:
    description:
      - Region name, for example V(cn-north-4). It makes the default O(endpoint) and O(iam_endpoint), and names
        the IAM project when O(project_id) is not set.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_REGION) or E(HW_REGION_NAME) is used.
      - Either O(region) or O(endpoint) is required.
    type: str
  project_id:
    description:
      - ID of the project whose export tasks are listed.
      - If not set, it is looked up once per run in IAM (C(GET /v3/projects?name=<region>)), as the official SDK does.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) is used.
    type: str
  endpoint:
    description:
      - URL of the Workspace API.
      - Defaults to C(https://workspace.<region>.myhuaweicloud.com).
      - If not set, the environment variable E(HW_WORKSPACE_ENDPOINT) is used.
    type: str
  iam_endpoint:
    description:
      - URL of IAM, used only to look up O(project_id).
      - Defaults to C(https://iam.<region>.myhuaweicloud.com).
      - If not set, the environment variable E(HUAWEICLOUD_SDK_IAM_ENDPOINT) or E(HW_IAM_ENDPOINT) is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints. Set to V(false) only for testing.
      - V(false) holds whatever the environment says (E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) are then ignored).
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file (PEM) that the certificates of O(endpoint) and O(iam_endpoint) are verified against,
        instead of the system's trust store.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_CA_PATH) or E(HW_CA_PATH) is used.
      - Ignored when O(validate_certs=false).
    type: path
    version_added: 2.0.0
  timeout:
    description:
      - Seconds that each HTTP attempt of an API call may take, from sending the request to the last byte of the
        answer (a deadline for the whole answer, not for each read).
      - For a file download, the wait for its answer, and then for every 64 KiB of the file (or its end). A big file
        on a slow link is not cut; a body that stalls or trickles fails after about this many seconds.
      - It never bounds a wait for export tasks (that is C(wait_timeout) of the modules that wait).
      - A finite number more than 0 and at most 86400 (a day); a larger one is refused, naming this option.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is tried again after a throttled (HTTP 429) or server error
        (HTTP 500, 502, 503, 504) answer, a dropped connection or a time-out.
      - A request that starts something (an export) is tried again only when it certainly did not reach the
        service (the connection was refused, or the answer was HTTP 429 or 503), never after a time-out.
      - Waits grow exponentially with jitter (capped at 20 seconds); a C(Retry-After) header sets the wait
        instead, unless it asks for more than 120 seconds, which ends the retries. A C(Retry-After) that is not
        a wait in the future (0, negative, not a number, a past date) is ignored.
      - Other 4xx answers, TLS errors and redirects are never retried.
    type: int
    default: 4
  concurrency:
    description:
      - How many requests of one run may be in flight at once (for example pages fetched after the first),
        from 1 (one after the other) to 32.
      - When the API throttles (HTTP 429), every request of the run waits, and fewer run at once.
      - The default, 8, reads a listing of 10,000 tasks (100 pages) in about 13 round trips instead of 100, and a
        wait on a few hundred tasks in one round trip per poll; more buys little over a link where each request
        costs tens of milliseconds, and keeps one run from looking like a burst to the API's throttling.
    type: int
    default: 8
    version_added: 2.0.0
notes:
  - Requests are signed with C(SDK-HMAC-SHA256) exactly as the official Huawei Cloud SDKs sign them.
  - Redirects of API calls are never followed, so that credentials only go to O(endpoint) and O(iam_endpoint).
  - O(region) and O(project_id) may hold only letters, digits, C(-) and C(_). O(endpoint) and O(iam_endpoint) are
    URLs like C(https://host:port/path) (C(http) too; port and path optional) without a user name, password, query
    or fragment.
requirements:
  - requests
'''

    # For lookups: where each option comes from besides the lookup's own keywords. The lookup reads them itself
    # (plugin_utils/_options.py), in this order: the first environment variable set and not empty wins.
    PLUGINS = r'''
options:
  access_key:
    env:
      - name: HUAWEICLOUD_SDK_AK
      - name: HW_ACCESS_KEY
    vars:
      - name: hwcloud_workspace_access_key
  secret_key:
    env:
      - name: HUAWEICLOUD_SDK_SK
      - name: HW_SECRET_KEY
    vars:
      - name: hwcloud_workspace_secret_key
  security_token:
    env:
      - name: HUAWEICLOUD_SDK_SECURITY_TOKEN
      - name: HW_SECURITY_TOKEN
    vars:
      - name: hwcloud_workspace_security_token
  auth_token:
    env:
      - name: HW_AUTH_TOKEN
    vars:
      - name: hwcloud_workspace_auth_token
  region:
    env:
      - name: HUAWEICLOUD_SDK_REGION
      - name: HW_REGION_NAME
    vars:
      - name: hwcloud_workspace_region
  project_id:
    env:
      - name: HUAWEICLOUD_SDK_PROJECT_ID
      - name: HW_PROJECT_ID
    vars:
      - name: hwcloud_workspace_project_id
  endpoint:
    env:
      - name: HW_WORKSPACE_ENDPOINT
    vars:
      - name: hwcloud_workspace_endpoint
  iam_endpoint:
    env:
      - name: HUAWEICLOUD_SDK_IAM_ENDPOINT
      - name: HW_IAM_ENDPOINT
    vars:
      - name: hwcloud_workspace_iam_endpoint
  validate_certs:
    vars:
      - name: hwcloud_workspace_validate_certs
  ca_path:
    env:
      - name: HUAWEICLOUD_SDK_CA_PATH
      - name: HW_CA_PATH
    vars:
      - name: hwcloud_workspace_ca_path
  timeout:
    vars:
      - name: hwcloud_workspace_timeout
  retries:
    vars:
      - name: hwcloud_workspace_retries
  concurrency:
    vars:
      - name: hwcloud_workspace_concurrency
'''
