# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Which links a download may follow: the one place that decides where the collection sends a request
it did not build itself (a redirect or a JSON link to object storage, and object storage's own redirects)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import socket

from urllib.parse import urljoin, urlsplit


class RefusedLink(ValueError):
    """A link the collection does not follow; str() says why, without the link's query."""


def public_url(url):
    """url without its query and user information: a pre-signed URL carries its signature in the query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return 'the download link'
    return '%s://%s%s' % (parts.scheme, parts.netloc.rpartition('@')[2], parts.path)


def _addresses(host):
    """The IP addresses host stands for (itself when it is one); none when it does not resolve."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return []  # the request itself will fail to connect and say so
    return [ipaddress.ip_address(info[4][0].split('%')[0]) for info in infos]


def _internal(address):
    """Whether address is this machine or its link (loopback, link-local: the cloud's metadata service)."""
    address = getattr(address, 'ipv4_mapped', None) or address
    return address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast


def _is_internal_host(host):
    return any(_internal(address) for address in _addresses(host))


def follow(location, came_from, endpoint):
    """The absolute URL to fetch for a link found in the answer from came_from; raises RefusedLink.

    Refused: anything but http(s); a user name or password in it (requests would send them as Basic auth);
    http when the Workspace endpoint is https (a downgrade); and a host on this machine or its link
    (loopback, link-local such as 169.254.169.254) unless the endpoint itself is one.
    """
    try:
        url = urljoin(came_from, location)
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a port out of range
    except ValueError as exc:
        raise RefusedLink('the link is not a valid URL (%s)' % exc) from None
    shown = public_url(url)
    if parts.scheme not in ('http', 'https') or not host:
        raise RefusedLink('the link %s is not an http(s) URL' % shown)
    if '@' in parts.netloc:
        raise RefusedLink('the link %s carries a user name or password' % shown)
    endpoint_parts = urlsplit(endpoint)
    if endpoint_parts.scheme == 'https' and parts.scheme == 'http':
        raise RefusedLink('the link %s is plain http although the endpoint is https: a downgrade is not followed'
                          % shown)
    if _is_internal_host(host) and not _is_internal_host(endpoint_parts.hostname or ''):
        raise RefusedLink('the link %s points at a loopback or link-local address, which only an endpoint on such '
                          'an address may hand out' % shown)
    return url
