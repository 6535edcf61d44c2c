# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a failure is read from an answer: the error bodies of DLI, APIGW and IAM, the request id, a body's kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils import transport
from ansible_collections.hwcloud.dli.plugins.module_utils.errors import (
    AnswerLostError,
    DliApiError,
    error_from_body,
    is_true,
    json_kind,
    request_id_of,
    request_id_tail,
    snippet,
)


@pytest.mark.parametrize("body, expected", [
    ({"is_success": False, "error_code": "DLI.0002", "error_msg": "no such job"}, ("DLI.0002", "no such job")),
    ({"error_code": "APIGW.0301", "message": "Incorrect IAM authentication information"},
     ("APIGW.0301", "Incorrect IAM authentication information")),
    ({"error": {"code": 401, "title": "Unauthorized"}}, ("401", "Unauthorized")),
    ({"code": "DLI.1", "message": "m"}, ("DLI.1", "m")),
    ({"error_code": "", "error_msg": ""}, (None, None)),
    ({"job_id": 1}, (None, None)),
    (["error_code"], (None, None)),
    (None, (None, None)),
])
def test_the_error_code_and_message_of_each_kind_of_error_body(body, expected):
    assert error_from_body(body) == expected


def test_the_request_id_is_read_from_either_header():
    assert request_id_of(transport.Response(500, {"X-Request-Id": "r1"})) == "r1"
    assert request_id_of(transport.Response(401, {"X-Openstack-Request-Id": "r2"})) == "r2"
    assert request_id_of(transport.Response(500)) is None
    assert (request_id_tail("r1"), request_id_tail(None)) == (" (request id r1)", "")


@pytest.mark.parametrize("value, kind", [(None, "an empty body"), ({}, "an object"), ([], "an array"),
                                         ("x", "a string"), (True, "a boolean"), (1.5, "a number")])
def test_a_body_s_kind_is_named(value, kind):
    assert json_kind(value) == kind


def test_is_success_is_read_from_a_string_or_a_boolean():
    assert [is_true(v) for v in ("true", "True", True, "false", False, None)] == [True, True, True, False, False, False]


def test_only_a_lost_answer_may_have_been_written():
    lost, failed = AnswerLostError("m", method="PUT"), DliApiError("m", status_code=400, request_id="r")
    assert (lost.maybe_written, failed.maybe_written) == (True, False)
    assert failed.result() == dict(msg="m", status_code=400, error_code=None, request_id="r")


def test_a_snippet_is_redacted_then_cut_to_its_limit_on_one_line():
    response = transport.Response(200, {}, b"secret-1 " + b"x\n" * 300)
    shown = snippet(response, lambda text: text.replace("secret-1", "********"), 60)
    assert shown == repr("******** " + "x " * 24 + "...") and len(shown) == 62
    assert len(snippet(response, str)) == 202
