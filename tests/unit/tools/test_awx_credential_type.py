# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/awx/huawei_cloud_credential_type.yml: a credential type AWX accepts, whose injector sets the
variables the collection reads, from fields of the options' names, secrets marked; rendered as AWX renders it,
it gives the environment `make runner` (tools/run_runner.py) runs with."""

import re
import sys

import pytest
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import ENVIRONMENT_VARIABLES, SECRET_OPTIONS
from conftest import load_tool  # tests/unit/conftest.py

awx_credential_type = load_tool("awx_credential_type")
check_tarball = load_tool("check_tarball")
run_runner = load_tool("run_runner")
dli_emulator = sys.modules["dli_emulator"]  # imported by run_runner, from tests/emulator

CREDENTIAL_TYPE = awx_credential_type.load()
FIELDS = CREDENTIAL_TYPE["inputs"]["fields"]
ENV = CREDENTIAL_TYPE["injectors"]["env"]
# AWX's own rules: field ids and variable names (its JSON schemas), and the variables it refuses to inject.
AWX_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
URL = "http://127.0.0.1:8765"


def test_it_has_what_awx_asks_of_a_custom_credential_type():
    assert sorted(CREDENTIAL_TYPE) == ["description", "injectors", "inputs", "kind", "name"]
    assert CREDENTIAL_TYPE["name"] and CREDENTIAL_TYPE["description"]
    assert CREDENTIAL_TYPE["kind"] == "cloud"  # custom types are cloud or net
    assert sorted(CREDENTIAL_TYPE["inputs"]) == ["fields", "required"]
    assert sorted(CREDENTIAL_TYPE["injectors"]) == ["env"]
    ids = [field["id"] for field in FIELDS]
    assert len(ids) == len(set(ids))
    for field in FIELDS:
        assert AWX_NAME.match(field["id"]) and field["id"] != "tower"  # tower is AWX's own namespace
        assert field["label"] and field["help_text"]
        assert field["type"] == "string"
        assert set(field) <= {"id", "type", "label", "help_text", "secret"}


def test_only_the_project_id_is_required():
    assert CREDENTIAL_TYPE["inputs"]["required"] == ["project_id"]


def test_each_field_is_an_option_of_the_collection_and_injects_its_variable():
    # Field ids are option names; each is injected, as "{{ id }}", into the variable its option falls back to.
    assert sorted(ENV) == sorted(ENVIRONMENT_VARIABLES[field["id"]] for field in FIELDS)
    for field in FIELDS:
        assert ENV[ENVIRONMENT_VARIABLES[field["id"]]] == "{{ %s }}" % field["id"]
    for name in ENV:
        assert name in ENVIRONMENT_VARIABLES.values() and AWX_NAME.match(name) and not name.startswith("ANSIBLE_")


def test_it_covers_every_variable_but_the_token():
    # Every connection and credential variable the collection reads, but HW_AUTH_TOKEN: a token lasts 24 hours,
    # too short to store in a credential (dli_token logs in once per run instead).
    assert sorted(ENV) == sorted(set(ENVIRONMENT_VARIABLES.values()) - {"HW_AUTH_TOKEN"})


def test_secrets_are_marked_secret_and_nothing_else_is():
    secret = sorted(field["id"] for field in FIELDS if field.get("secret"))
    assert secret == sorted(set(SECRET_OPTIONS) - {"auth_token"}) == ["password", "secret_key", "security_token"]
    assert all(field["secret"] is True for field in FIELDS if "secret" in field)


def test_every_template_names_a_field_as_awx_checks_when_the_type_is_saved():
    namespace = dict((field["id"], "EXAMPLE") for field in FIELDS)
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for template in ENV.values():
        strict.from_string(template).render(**namespace)
    with pytest.raises(UndefinedError):
        strict.from_string("{{ not_a_field }}").render(**namespace)


def test_empty_inputs_are_injected_as_empty_strings_as_awx_does():
    assert awx_credential_type.injected_environment(CREDENTIAL_TYPE, {}) == dict((name, "") for name in ENV)
    rendered = awx_credential_type.injected_environment(CREDENTIAL_TYPE, dict(project_id="p1", region=""))
    assert rendered["HW_PROJECT_ID"] == "p1" and rendered["HW_REGION_NAME"] == ""


def test_the_emulator_inputs_give_the_runner_s_environment():
    environment = run_runner.runner_environment(URL)
    assert environment == awx_credential_type.injected_environment(CREDENTIAL_TYPE, run_runner.credential_inputs(URL))
    # The emulator's endpoint, project and access keys, as the emulator's own client environment has them ...
    assert dict((name, value) for name, value in environment.items() if value) == dli_emulator.client_environment(URL)
    # ... and every other variable of the type, empty.
    assert sorted(name for name, value in environment.items() if not value) == [
        "HW_AUTH_URL", "HW_CLOUD", "HW_DOMAIN_NAME", "HW_REGION_NAME", "HW_SECURITY_TOKEN", "HW_USER_NAME",
        "HW_USER_PASSWORD"]


def test_it_is_packed_in_the_collection():
    assert "extensions/awx/huawei_cloud_credential_type.yml" in check_tarball.REQUIRED
    assert not check_tarball.FORBIDDEN.search("extensions/awx/huawei_cloud_credential_type.yml")
