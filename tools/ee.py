# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution-environment harness of `make ee-test` (tests/ee): builds the shipped EE and DE definitions
(extensions/ee/) with podman, and runs jobs in them the way AWX and EDA controller do.

What this sandbox needs to run containers lives here, never in what users copy:
- a private containers.conf (CONTAINERS_CONF) with runc, and ulimits the kernel allows;
- /dev/mqueue mounted;
- no registry: the base image the definitions name (a registry's python:3.11-slim-bookworm) is made locally from
  Debian's packages with mmdebstrap (python3 and pip, and the host's CA bundle, which pip needs to reach PyPI
  through this network), imported with podman under that name, and cached under .build/ee;
- the harness's own venv (.build/ee-venv, tests/requirements-ee.txt): ansible-builder, ansible-navigator and
  ansible-runner, whose pins never change .venv's ansible-core.
Each step's time is recorded (TIMINGS) and printed at the end of the run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, '.build', 'ee')
VENV = os.path.join(ROOT, '.build', 'ee-venv')
REQUIREMENTS = os.path.join(ROOT, 'tests', 'requirements-ee.txt')
DEFINITIONS = os.path.join(ROOT, 'extensions', 'ee')
CREDENTIAL_TYPE = os.path.join(ROOT, 'extensions', 'aap', 'credential_type.yml')
TARBALL_NAME = 'hwcloud-workspace.tar.gz'  # the name the definitions give the collection tarball
EE_TAG = 'localhost/hwcloud-workspace-ee:latest'
DE_TAG = 'localhost/hwcloud-workspace-de:latest'
SUITE = 'bookworm'
# A few commands start containers: the documentation's blocks that use them run in make ee-test.
CONTAINER_COMMANDS = ('ansible-builder', 'ansible-navigator', 'ansible-runner', 'podman')
CONTAINERS_CONF = '''\
# The harness's own: this sandbox's kernel refuses crun's defaults and larger limits. Containers share the host's
# network, where the emulator listens on 127.0.0.1 (against the cloud, a container's own network does).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "host"

[engine]
runtime = "runc"
'''
TIMINGS = []


class HarnessError(RuntimeError):
    """A step of the harness failed; the message says which and why."""


@contextlib.contextmanager
def timed(step):
    started = time.monotonic()
    try:
        yield
    finally:
        TIMINGS.append((step, time.monotonic() - started))


def timings_report():
    return '\n'.join('ee: %-60s %7.1f s' % (step, seconds) for step, seconds in TIMINGS)


def needs_containers(lines):
    """True when a block of documented commands builds or runs containers (make ee-test runs it)."""
    return any(line.split() and os.path.basename(line.split()[0]) in CONTAINER_COMMANDS for line in lines)


def run(command, what, **kwargs):
    completed = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, **kwargs)
    if completed.returncode != 0:
        raise HarnessError('%s failed (exit status %d): %s\n%s' % (what, completed.returncode, ' '.join(command),
                                                                  completed.stdout[-20000:]))
    return completed.stdout


def ensure_venv():
    """.build/ee-venv with tests/requirements-ee.txt, remade when that file changes."""
    with open(REQUIREMENTS, 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    stamp = os.path.join(VENV, '.installed')
    if os.path.isfile(stamp):
        with open(stamp) as handle:
            if handle.read().strip() == digest:
                return VENV
    with timed('make the harness venv (.build/ee-venv)'):
        run([sys.executable, '-m', 'venv', '--clear', VENV], 'python -m venv')
        run([os.path.join(VENV, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
             '-r', REQUIREMENTS], 'pip install -r tests/requirements-ee.txt')
    with open(stamp, 'w') as handle:
        handle.write(digest + '\n')
    return VENV


def tool(name):
    return os.path.join(VENV, 'bin', name)


def container_environment(environ=None):
    """environ (default os.environ) without ANSIBLE_* settings, with CONTAINERS_CONF naming the harness's containers.conf, and the harness's
    tools first on PATH; mounts /dev/mqueue when it is missing (podman's containers need it)."""
    os.makedirs(BUILD, exist_ok=True)
    path = os.path.join(BUILD, 'containers.conf')
    with open(path + '.tmp', 'w') as handle:
        handle.write(CONTAINERS_CONF)
    os.replace(path + '.tmp', path)
    if not os.path.ismount('/dev/mqueue'):
        os.makedirs('/dev/mqueue', exist_ok=True)
        run(['mount', '-t', 'mqueue', 'none', '/dev/mqueue'], 'mounting /dev/mqueue (as root)')
    # ansible-navigator passes ANSIBLE_* settings into the container, where the checkout's paths mean nothing.
    environment = dict((name, value) for name, value in (os.environ if environ is None else environ).items()
                       if not name.startswith('ANSIBLE_'))
    environment['CONTAINERS_CONF'] = path
    environment['PATH'] = os.path.join(VENV, 'bin') + os.pathsep + environment.get('PATH', '')
    return environment


def base_image_name():
    """The base image that the shipped definitions name (both name the same one)."""
    names = set()
    for definition in ('execution-environment.yml', 'decision-environment.yml'):
        with open(os.path.join(DEFINITIONS, definition)) as handle:
            names.add(yaml.safe_load(handle)['images']['base_image']['name'])
    if len(names) != 1:
        raise HarnessError('the EE and DE definitions must share one base image, they name %s' % sorted(names))
    return names.pop()


def ensure_base_image(environment):
    """The definitions' base image, made from Debian's packages: python3 and pip (python at /usr/local/bin/python3,
    where the registry image has it), the host's CA bundle, cached as a tarball under .build/ee."""
    name = base_image_name()
    if subprocess.run(['podman', 'image', 'exists', name], env=environment).returncode == 0:
        return name
    tarball = os.path.join(BUILD, 'base-%s.tar' % SUITE)
    partial = os.path.join(BUILD, 'base-%s.partial.tar' % SUITE)  # mmdebstrap's format follows the extension
    if not os.path.isfile(tarball):
        with timed('mmdebstrap the base image (%s: python3, pip)' % SUITE):
            customize = ('cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt" && '
                         'ln -sf /usr/bin/python3 "$1/usr/local/bin/python3"')
            run(['mmdebstrap', '--quiet', '--variant=apt', '--include=python3,python3-pip,ca-certificates',
                 '--customize-hook=' + customize, SUITE, partial], 'mmdebstrap')
            os.replace(partial, tarball)
    with timed('podman import the base image'):
        run(['podman', 'import', '--change', 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt',
             '--change', 'CMD ["/bin/bash"]', tarball, name], 'podman import', env=environment)
    return name


def collection_tarball(directory):
    """The collection built from the checkout, saved as the definitions expect it."""
    os.makedirs(directory, exist_ok=True)
    for old in glob.glob(os.path.join(directory, 'hwcloud-workspace-*.tar.gz')):
        os.remove(old)
    run([os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy'), 'collection', 'build', '--force',
         '--output-path', directory, ROOT], 'ansible-galaxy collection build')
    [built] = glob.glob(os.path.join(directory, 'hwcloud-workspace-*.tar.gz'))
    os.replace(built, os.path.join(directory, TARBALL_NAME))


def build(definition, tag, environment):
    """Build extensions/ee/<definition> as a user does: the definition beside the collection tarball."""
    directory = os.path.join(BUILD, os.path.splitext(definition)[0])
    shutil.rmtree(directory, ignore_errors=True)  # ansible-builder keeps stale files of an old context
    collection_tarball(directory)
    shutil.copy(os.path.join(DEFINITIONS, definition), directory)
    with timed('ansible-builder build %s' % definition):
        run([tool('ansible-builder'), 'build', '--file', definition, '--context', 'context', '--tag', tag],
            'ansible-builder build', cwd=directory, env=environment)
    return tag


def inject_credential(inputs, credential_type_path=CREDENTIAL_TYPE):
    """The environment and extra vars that the controller injects for a credential of the shipped type: each
    injector is a Jinja template rendered in a sandbox over the inputs that are set, as AWX renders them."""
    with open(credential_type_path) as handle:
        credential_type = yaml.safe_load(handle)
    fields = {field['id'] for field in credential_type['inputs']['fields']}
    unknown = set(inputs) - fields
    if unknown:
        raise HarnessError('inputs %s are not fields of the credential type' % sorted(unknown))
    missing = set(credential_type['inputs'].get('required', [])) - set(name for name, value in inputs.items() if value)
    if missing:
        raise HarnessError('required inputs %s are missing' % sorted(missing))
    namespace = dict((name, value) for name, value in inputs.items() if value not in (None, ''))
    sandbox = ImmutableSandboxedEnvironment()
    injectors = credential_type['injectors']
    environment = dict((name, sandbox.from_string(template).render(**namespace))
                       for name, template in injectors.get('env', {}).items())
    extra_vars = dict((name, sandbox.from_string(template).render(**namespace))
                      for name, template in injectors.get('extra_vars', {}).items())
    return environment, extra_vars


def main():
    """Build both images once, printing each step's time (the tests in tests/ee do this through their fixtures)."""
    ensure_venv()
    environment = container_environment()
    ensure_base_image(environment)
    build('execution-environment.yml', EE_TAG, environment)
    build('decision-environment.yml', DE_TAG, environment)
    print(timings_report())


if __name__ == '__main__':
    main()
