# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fields of a DLI Flink Jar job: one table, and what it drives.

``FIELDS`` says, for each update field of ``PUT /v1.0/{project_id}/streaming/flink-jobs/{job_id}``,
its option type, where it is read in the job detail answer, whether a running job takes it
in place, and its limits. From it come the argument spec, the checks made before any
request, the reading of the GET answer, the comparison and the request body.
Adding an API field is one line in ``FIELDS``, its docs and the emulator's tables (CONTRIBUTING.md
names every place, and the tests that hold them to this table).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.module_utils.six import string_types


class Field:
    """One update field. ``top_level``: read from ``job_detail`` itself, not ``job_detail.job_config``.
    ``in_place``: a running job takes a change of it without a restart. ``create_only``: the create body
    takes it, the update body does not; ``update_only``: the other way round. ``lines``: a text the diff
    shows line by line (a query, say)."""

    def __init__(self, name, kind, top_level=False, in_place=False, choices=None,
                 min_len=None, max_len=None, minimum=None, rule=None, api_values=None, options=None,
                 create_only=False, update_only=False, lines=False):
        self.name = name
        self.kind = kind  # str | int | bool | list | runtime_config | dict | json
        self.create_only = create_only
        self.update_only = update_only
        self.lines = lines
        self.api_values = api_values  # option value -> what the API writes, when the two differ (read back either way)
        self.options = options  # kind dict: the argument spec of its keys
        self.top_level = top_level
        self.in_place = in_place
        self.choices = choices
        self.min_len = min_len
        self.max_len = max_len
        self.minimum = minimum
        self.rule = rule  # (predicate, text) for values the other limits cannot say

    def argument_spec(self):
        spec = {"str": dict(type="str"), "int": dict(type="int"), "bool": dict(type="bool"),
                # Items are checked here, not converted by Ansible, which would write a nested list as its repr.
                "list": dict(type="list", elements="raw"), "runtime_config": dict(type="raw"),
                "dict": dict(type="dict", options=self.options), "json": dict(type="raw")}[self.kind]
        # The choices are checked by ``check``, not by Ansible, which refuses an explicit null: a job as the
        # modules return it holds null for what is unset, and must be accepted back as it is.
        return spec

    def read(self, detail):
        """The field's value in a job detail answer, as the option's type; None when unset."""
        source = detail if self.top_level else (detail.get("job_config") or {})
        if not isinstance(source, dict):
            raise ValueError("job_config is %s, not an object" % _kind(source))
        value = source.get(self.name)
        if self.kind == "dict" and isinstance(value, dict):
            # Keys the service adds beyond the documented ones are not this module's to compare.
            value = _known_keys(self.options, value)
            try:
                return _dict_value(self.name, self.options, value)
            except ValueError:
                return value
        try:
            return to_option_value(self, value)
        except (TypeError, ValueError) as exc:
            raise ValueError("%s%s is %s that cannot be read as a %s (%s)" % (
                "" if self.top_level else "job_config.", self.name, _kind(value), self.kind, exc))

    def to_api(self, value):
        if self.kind == "runtime_config":
            return runtime_config_to_api(value)
        if self.kind == "json":  # cleared as "", the API's empty text: json.dumps(None) would store "null"
            return "" if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))
        if self.api_values:
            return self.api_values[value]
        return value

    def check(self, value):
        """The error message for a value the API would refuse, or None."""
        if self.choices and value not in self.choices:
            return "%s must be one of %s, not %s." % (self.name, ", ".join(self.choices), value)
        if self.min_len is not None and len(value) < self.min_len or self.max_len is not None and len(value) > self.max_len:
            return "%s must be %s to %s characters long, not %s." % (self.name, self.min_len or 0, self.max_len, len(value))
        if self.minimum is not None and value < self.minimum:
            return "%s must be at least %s, not %s." % (self.name, self.minimum, value)
        if self.rule is not None and not self.rule[0](value):
            return "%s must be %s, not %s." % (self.name, self.rule[1], value)
        return None


RESOURCE_SPEC_OPTIONS = dict(cpu=dict(type="float"), memory=dict(type="str"))
RESOURCE_CONFIG_OPTIONS = dict(
    max_slot=dict(type="int"),
    parallel_number=dict(type="int"),
    jobmanager_resource_spec=dict(type="dict", options=RESOURCE_SPEC_OPTIONS),
    taskmanager_resource_spec=dict(type="dict", options=RESOURCE_SPEC_OPTIONS),
)

# The update API's parameters, in the order of its reference page, with the limits it states.
FIELDS = (
    Field("name", "str", top_level=True, max_len=57),
    Field("desc", "str", top_level=True, max_len=512),
    Field("queue_name", "str", top_level=True, min_len=1, max_len=128),
    Field("cu_number", "int", minimum=1),
    Field("manager_cu_number", "int", minimum=1),
    Field("parallel_number", "int", minimum=1),
    Field("log_enabled", "bool"),
    Field("obs_bucket", "str", in_place=True),
    Field("smn_topic", "str", in_place=True),
    Field("main_class", "str", top_level=True),
    Field("entrypoint_args", "str", top_level=True),
    Field("restart_when_exception", "bool", in_place=True),
    Field("entrypoint", "str"),
    Field("dependency_jars", "list"),
    Field("dependency_files", "list"),
    Field("tm_cus", "int", minimum=1),
    Field("tm_slot_num", "int", minimum=1),
    Field("feature", "str", choices=("basic", "custom")),
    Field("flink_version", "str"),
    Field("image", "str"),
    Field("resume_checkpoint", "bool", in_place=True),
    Field("resume_max_num", "int", in_place=True, rule=(lambda v: v == -1 or v > 0, "-1 (unlimited) or greater than 0")),
    Field("checkpoint_path", "str", in_place=True),
    Field("runtime_config", "runtime_config"),
    Field("job_type", "str", top_level=True, choices=("flink_jar_job",)),
    # Beyond the reference page's table: parameters the API's update body takes too.
    Field("checkpoint_enabled", "bool"),
    Field("checkpoint_mode", "str", choices=("exactly_once", "at_least_once"),
          api_values={"exactly_once": 1, "at_least_once": 2}),
    Field("checkpoint_interval", "int", minimum=1),
    Field("execution_agency_urn", "str"),
    Field("flink_log_config", "str"),
    Field("resource_config_version", "str", choices=("v1", "v2")),
    Field("resource_config", "dict", options=RESOURCE_CONFIG_OPTIONS),
)
FIELDS_BY_NAME = dict((field.name, field) for field in FIELDS)

JAR_JOB_TYPE = "flink_jar_job"
# The API's defaults, used when the job holds no value for them.
DEFAULT_CU_NUMBER = 2
DEFAULT_MANAGER_CU_NUMBER = 1


def argument_spec():
    return dict((field.name, field.argument_spec()) for field in FIELDS)


SCALAR_HINT = ("Booleans are written as true/false, numbers as their decimal text, null as an empty string; "
               "write anything else as a string")


def _flink_value(key, value):
    # Flink configuration values are strings; YAML gives booleans and numbers.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple, set)):
        raise ValueError("runtime_config values must be single values, but %r holds a %s. %s." % (
            key, "mapping" if isinstance(value, dict) else "list", SCALAR_HINT))
    return "" if value is None else str(value)


def _flink_key(key):
    if isinstance(key, (dict, list, tuple, set)) or key is None or str(key).strip() == "":
        raise ValueError("runtime_config keys must be non-empty Flink configuration keys, such as "
                         "taskmanager.memory.process.size.")
    return str(key)


def runtime_config_to_mapping(value):
    """A mapping of Flink keys to string values from a mapping, the API's JSON string
    (``[{"key": k, "value": v}, ...]``) or that list; empty for None and ""."""
    if value is None:
        return {}
    if isinstance(value, string_types):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("runtime_config must be a mapping of Flink keys to values, or the API's JSON string "
                             "such as '[{\"key\": \"taskmanager.memory.process.size\", \"value\": \"8g\"}]'; "
                             "the string given is not JSON.")
    if isinstance(value, dict):
        return dict((_flink_key(key), _flink_value(key, item)) for key, item in value.items())
    if isinstance(value, list) and all(isinstance(item, dict) and "key" in item for item in value):
        return dict((_flink_key(item["key"]), _flink_value(item["key"], item.get("value"))) for item in value)
    raise ValueError("runtime_config must be a mapping of Flink keys to values, or a list of "
                     "{key, value} entries as the API takes it; got %s." % type(value).__name__)


def runtime_config_to_api(mapping):
    return json.dumps([{"key": key, "value": value} for key, value in mapping.items()], separators=(",", ":"))


def _kind(value):
    """What a value read from an answer is, for a message (never the value itself: it may be huge)."""
    return {str: "a string", list: "an array", dict: "an object", bool: "a boolean"}.get(type(value), "a number")


def to_option_value(field, value):
    """Bring a value given by the user or read from the API to the option's type. None stays None."""
    if value is None:
        return {} if field.kind == "runtime_config" else None
    if field.kind == "runtime_config":
        return runtime_config_to_mapping(value)
    if field.kind == "dict":
        return _dict_value(field.name, field.options, value)
    if field.kind == "json":
        return json_value(field.name, value)
    if field.api_values and value in field.api_values.values() and value not in field.api_values:
        return dict((api, option) for option, api in field.api_values.items())[value]
    if field.kind == "int":
        return None if value == "" else int(value)
    if field.kind == "bool":
        return boolean(value, strict=True)
    if field.kind == "list":
        if isinstance(value, string_types):  # tolerate "a.jar,b.jar"
            return [item.strip() for item in value.split(",") if item.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError("%s must be a list of strings, not a %s." % (field.name, type(value).__name__))
        for item in value:
            if isinstance(item, (dict, list, tuple, set, bool)) or item is None:
                raise ValueError("%s must be a list of strings; item %r is a %s." % (
                    field.name, item, type(item).__name__))
        return [str(item) for item in value]
    return str(value)


def json_value(name, value):
    """A JSON document given as its text (as the API writes it) or as the mapping or list it holds: the
    mapping or list, so that it is compared parsed, never as text."""
    if isinstance(value, string_types):
        if not value.strip():
            return None
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("%s must be a mapping or list, or its JSON text; the string given is not JSON." % name)
        if value is None:  # the text "null": empty, as an unset value that comes back as null
            return None
    if not isinstance(value, (dict, list)):
        raise ValueError("%s must be a mapping or list, or its JSON text, not a %s." % (name, type(value).__name__))
    return value


def _dict_value(name, options, value):
    """A mapping with the keys ``options`` documents, each of its type; unset keys left out, so that
    only the keys given are compared."""
    if not isinstance(value, dict):
        raise ValueError("%s must be a mapping, not a %s." % (name, type(value).__name__))
    unknown = sorted(str(key) for key in value if key not in options)
    if unknown:
        raise ValueError("%s takes the keys %s, not %s." % (name, ", ".join(sorted(options)), ", ".join(unknown)))
    result = {}
    for key, spec in options.items():
        item, path = value.get(key), "%s.%s" % (name, key)
        if item is None:
            continue
        if spec["type"] == "dict":
            item = _dict_value(path, spec["options"], item)
            if not item:
                continue
        elif spec["type"] == "str":
            if not isinstance(item, string_types) or not item.strip():
                raise ValueError("%s must be a non-empty string, such as 4G." % path)
        else:
            try:
                number = float(item) if spec["type"] == "float" else int(item)
            except (TypeError, ValueError):
                raise ValueError("%s must be a number, not %r." % (path, item))
            if isinstance(item, bool) or number <= 0:
                raise ValueError("%s must be a number greater than 0, not %r." % (path, item))
            item = number
        result[key] = item
    return result


def _known_keys(options, value):
    return dict((key, _known_keys(options[key]["options"], item) if options[key].get("options") and isinstance(item, dict)
                 else item) for key, item in value.items() if key in options)


def merge_mappings(current, given):
    """``current`` with ``given``'s keys set, nested mappings merged key by key."""
    merged = dict(current or {})
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = merge_mappings(merged[key], value)
        merged[key] = value
    return merged


def is_empty(value):
    return value is None or value == "" or value == [] or value == {}


def values_equal(field, left, right):
    """Equal after normalising: null, "" and [] are all empty; an unset boolean reads false."""
    if field.kind == "bool":
        return bool(left) == bool(right)
    if is_empty(left) and is_empty(right):
        return True
    return left == right


def integer_problem(name, value, minimum=None, maximum=None, unit=""):
    """The message for an integer option given as a boolean (Ansible's int type passes true and false through
    as they are) or outside its bounds, or None. ``maximum`` keeps a huge value from crashing the task later
    (a wait of 10**10 seconds overflows the platform's clock)."""
    if isinstance(value, bool):
        return "%s must be an integer, not a boolean (%s)." % (name, "true" if value else "false")
    if value is None:
        return None
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        bounds = "%s to %s" % (minimum, maximum) if minimum is not None and maximum is not None else \
            "at least %s" % minimum if minimum is not None else "at most %s" % maximum
        return "%s must be %s%s, not %s." % (name, bounds, unit, value)
    return None


def desired_from_params(params, fields=FIELDS):
    """The fields the user set, as option values, checked against the API's limits.
    Raises ValueError with every problem found, before any request is made."""
    desired, errors = {}, []
    for field in fields:
        if params.get(field.name) is None:
            continue  # not set: never compared, never sent
        if field.kind == "int" and isinstance(params[field.name], bool):
            errors.append(integer_problem(field.name, params[field.name]))
            continue
        try:
            value = to_option_value(field, params[field.name])
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
            continue
        error = field.check(value) if field.kind not in ("runtime_config", "json") else None
        if error:
            errors.append(error)
        desired[field.name] = value
    if errors:
        raise ValueError(" ".join(errors))
    return desired


def desired_for_job(current, desired, purge_runtime_config=True):
    """What the job should hold after the update, from the options set: ``resource_config`` is
    compared key by key (the keys not given keep the job's values, and the whole object is sent);
    so is ``runtime_config`` with ``purge_runtime_config=false``."""
    desired = dict(desired)
    if "resource_config" in desired:
        desired["resource_config"] = merge_mappings(current.get("resource_config"), desired["resource_config"])
    if "runtime_config" in desired and not purge_runtime_config:
        desired["runtime_config"] = merge_mappings(current.get("runtime_config"), desired["runtime_config"])
    return desired


def job_from_detail(detail, fields=FIELDS):
    """Every field of a job detail answer (``job_detail``), keyed by option name."""
    return dict((field.name, field.read(detail)) for field in fields)


def changed_fields(current, desired, fields=FIELDS):
    """Names of the options the user set whose value differs from the job's, in table order."""
    return [field.name for field in fields
            if field.name in desired and not values_equal(field, current.get(field.name), desired[field.name])]


def request_body(desired, names, fields_by_name=None):
    fields_by_name = FIELDS_BY_NAME if fields_by_name is None else fields_by_name
    return dict((name, fields_by_name[name].to_api(desired[name])) for name in names)


def rules_broken(merged, changes=None):
    """Rules on the job as it would be after the update (current values with the user's applied).

    With ``changes``, only the rules that involve a changed option are checked: a rule broken by
    what is already stored is the service's business, and must not block an unrelated edit.
    """
    applies = rule_applies(changes)
    problems = log_bucket_problems(merged, applies)
    feature = merged.get("feature") or "basic"
    if applies("image", "feature") and not is_empty(merged.get("image")) and feature != "custom":
        problems.append("image is only allowed with feature=custom (the job's feature would be %s): set feature "
                        "to custom, or image to an empty string." % feature)
    if applies("flink_version", "feature") and not is_empty(merged.get("flink_version")) and feature == "custom":
        problems.append("flink_version is not allowed with feature=custom (it selects a DLI base image): set "
                        "flink_version to an empty string, or feature to basic.")
    return problems + cu_number_problems(merged, applies)


def rule_applies(changes):
    """Whether a rule on the given options is checked: always on a create (``changes`` None), else only when
    one of them changes."""
    return lambda *names: changes is None or any(name in changes for name in names)


def log_bucket_problems(merged, applies):
    """The rules of logging that every Flink job kind has."""
    if applies("log_enabled", "obs_bucket") and merged.get("log_enabled") and is_empty(merged.get("obs_bucket")):
        return ["log_enabled=true needs obs_bucket: the job has no OBS bucket for its logs, set obs_bucket."]
    return []


def cu_number_problems(merged, applies):
    """The rule of CUs that every Flink job kind has."""
    cu_number = merged.get("cu_number") or DEFAULT_CU_NUMBER
    manager_cu_number = merged.get("manager_cu_number") or DEFAULT_MANAGER_CU_NUMBER
    if applies("cu_number", "manager_cu_number") and cu_number <= manager_cu_number:
        return ["cu_number (%s) must be greater than manager_cu_number (%s): the default tm_slot_num is "
                "parallel_number * tm_cus / (cu_number - manager_cu_number)." % (cu_number, manager_cu_number)]
    return []


def tags_from_params(tags):
    """The tags as strings; a nested value is refused."""
    if tags is None:
        return None
    for key, value in tags.items():
        if isinstance(value, (dict, list)) or value is None:
            raise ValueError("tags must map keys to single values; %r holds %s." % (key, type(value).__name__))
    return dict((str(key), str(value)) for key, value in tags.items())
