# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's tables of the job's fields agree with the collection's field table (flink_job_fields.FIELDS):
the emulator stands in for the API on its own (it shares no code with the collection), so a field added to
one and not to the other fails here, not as a puzzling integration failure. See CONTRIBUTING.md."""

import importlib.util
import os

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import FIELDS

pytest.importorskip("huaweicloudsdkcore")  # the emulator signs with the SDK

PATH = os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "dli_emulator.py")
spec = importlib.util.spec_from_file_location("dli_emulator", PATH)
emu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(emu)


def api_kind(field):
    """The JSON type the API takes for a field: runtime_config is a JSON string, a field whose option values
    are written as numbers (checkpoint_mode) is an integer, a mapping an object."""
    if field.api_values:
        kinds = set(type(value).__name__ for value in field.api_values.values())
        assert len(kinds) == 1, field.name
        return kinds.pop()
    return {"runtime_config": "str", "dict": "object"}.get(field.kind, field.kind)


def test_the_update_fields_are_the_tables():
    assert sorted(emu.UPDATE_FIELDS) == sorted(field.name for field in FIELDS)
    assert len(emu.UPDATE_FIELDS) == len(set(emu.UPDATE_FIELDS))  # each in one kind only


def test_each_field_has_the_kind_and_the_place_of_the_table():
    tables = {"str": emu.STR, "int": emu.INT, "bool": emu.BOOL, "list": emu.LIST, "object": emu.OBJECT}
    for field in FIELDS:
        assert [kind for kind, names in tables.items() if field.name in names] == [api_kind(field)], field.name
    assert sorted(emu.TOP_LEVEL) == sorted(field.name for field in FIELDS if field.top_level)
    assert sorted(emu.IN_PLACE) == sorted(field.name for field in FIELDS if field.in_place)


def test_the_lengths_and_the_choices_are_the_tables():
    assert emu.LENGTHS == dict((field.name, (field.min_len or 0, field.max_len)) for field in FIELDS
                               if field.max_len is not None)
    by_name = dict((field.name, field) for field in FIELDS)
    assert emu.CHECKPOINT_MODES == dict((api, option) for option, api in by_name["checkpoint_mode"].api_values.items())
    assert tuple(emu.RESOURCE_CONFIG_VERSIONS) == by_name["resource_config_version"].choices
    assert sorted(emu.RESOURCE_CONFIG_KEYS) == sorted(by_name["resource_config"].options)
    spec_keys = set(tuple(sorted(sub["options"])) for sub in by_name["resource_config"].options.values() if "options" in sub)
    assert spec_keys == {tuple(sorted(emu.RESOURCE_SPEC_KEYS))}


def test_the_sql_tables_are_the_sql_field_table():
    from ansible_collections.hwcloud.dli.plugins.module_utils.flink_sql_job_fields import FIELDS as SQL_FIELDS
    assert sorted(emu.SQL_UPDATE_FIELDS) == sorted(f.name for f in SQL_FIELDS if not f.create_only)
    assert sorted(emu.SQL_CREATE_FIELDS) == sorted(f.name for f in SQL_FIELDS if not f.update_only)
    assert sorted(emu.SQL_TOP_LEVEL) == sorted(f.name for f in SQL_FIELDS if f.top_level)
    assert sorted(emu.SQL_IN_PLACE) == sorted(f.name for f in SQL_FIELDS if f.in_place)
    shared = set(f.name for f in SQL_FIELDS) - set(emu.SQL_STR + emu.SQL_INT + emu.SQL_LIST)
    assert sorted(shared) == sorted(emu.SQL_SHARED) and shared <= set(emu.UPDATE_FIELDS)
    tables = {"str": emu.SQL_STR, "int": emu.SQL_INT, "list": emu.SQL_LIST, "json": emu.SQL_STR}
    for field in SQL_FIELDS:
        if field.name not in shared:
            assert field.name in tables[field.kind], field.name
    assert emu.SQL_LENGTHS == dict((f.name, (f.min_len or 0, f.max_len)) for f in SQL_FIELDS
                                   if f.max_len is not None and f.name not in shared)
    assert emu.RUN_MODES == SQL_FIELDS[4].choices and emu.SQL_JOB_TYPES == dict(
        (f.name, f) for f in SQL_FIELDS)["job_type"].choices
