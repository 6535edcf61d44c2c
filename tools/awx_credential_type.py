#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential type the collection ships (extensions/awx/), and the environment AWX injects for it.

``injected_environment`` renders the type's ``env`` injector the way AWX does (awx_plugins.interfaces,
``inject_credential``): in a Jinja sandbox whose namespace holds the inputs that have a value, so the variable of
an input left empty is injected all the same, as an empty string. ``make runner`` (tools/run_runner.py) gives
ansible-runner exactly that; tests/unit/tools/test_awx_credential_type.py checks the type against the collection.
"""

import os

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "huawei_cloud_credential_type.yml")


def load(path=CREDENTIAL_TYPE):
    """The credential type: name, description, kind, inputs and injectors."""
    with open(path) as handle:
        return yaml.safe_load(handle)


def injected_environment(credential_type, inputs):
    """The variables AWX injects for a credential of ``credential_type`` with ``inputs`` (field id -> value).

    As AWX does: only inputs with a value go into the namespace, and an undefined name renders as "" (the
    sandbox's default Undefined), so every variable of the injector is set."""
    namespace = dict((field, value) for field, value in inputs.items() if value)
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type["injectors"]["env"].items())
