# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The job kinds: which kind a job's job_type is, each kind's endpoints, and the refusal across kinds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils import flink_job_fields
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR, KINDS, SQL, kind_of_job_type
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import job_shape
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import job_options_spec
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)


class Paths(object):
    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)


@pytest.mark.parametrize("job_type, kind", [("flink_jar_job", JAR), ("flink_sql_job", SQL),
                                            ("flink_opensource_sql_job", SQL), ("spark_job", None), (None, None)])
def test_a_jobs_kind_is_read_from_its_job_type(job_type, kind):
    assert kind_of_job_type(job_type) is kind


def test_each_kind_has_its_create_and_update_endpoints():
    assert (JAR.path(Paths()), JAR.path(Paths(), 7)) == ("/v1.0/p1/streaming/flink-jobs", "/v1.0/p1/streaming/flink-jobs/7")
    assert (SQL.path(Paths()), SQL.path(Paths(), 7)) == ("/v1.0/p1/streaming/sql-jobs", "/v1.0/p1/streaming/sql-jobs/7")
    assert sorted(KINDS) == ["jar", "sql"]


def test_the_jar_kind_is_the_jar_table_as_it_was():
    assert JAR.fields is flink_job_fields.FIELDS
    assert JAR.in_place == ("obs_bucket", "smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num",
                            "checkpoint_path")  # what a running Jar job takes without a restart
    assert JAR.create_only == JAR.update_only == JAR.lines == ()
    assert job_options_spec() == job_options_spec(JAR)
    assert (JAR.queue_types, JAR.versions_key) == (("general", "all"), "support_flink_jar_versions")
    assert (SQL.queue_types, SQL.versions_key) == (("general", "all"), "support_flink_sql_versions")


def test_a_job_of_another_kind_is_refused_naming_its_type_and_the_module_to_use():
    assert JAR.refusal("flink_sql_job") == ("it is a flink_sql_job, not a flink_jar_job: this module manages Flink Jar "
                                            "jobs only; use hwcloud.dli.dli_flink_sql_job for it.")
    assert SQL.refusal("flink_jar_job") == ("it is a flink_jar_job, not a flink_sql_job or a flink_opensource_sql_job: "
                                            "this module manages Flink SQL jobs only; use hwcloud.dli.dli_flink_jar_job "
                                            "for it.")
    assert SQL.refusal("spark_job").endswith("this module manages Flink SQL jobs only.")


def test_a_returned_job_has_the_fields_of_its_kind():
    jar_job = job_shape(build_detail())
    assert "entrypoint" in jar_job and "sql_body" not in jar_job
    sql_detail = build_detail(job_type="flink_sql_job")
    sql_detail.update(sql_body="SELECT 1;", run_mode="exclusive_cluster")
    sql_job = job_shape(sql_detail)
    assert sorted(sql_job) == sorted(list(SQL.fields_by_name) + ["job_id", "status", "update_time"])
    assert (sql_job["sql_body"], sql_job["run_mode"], sql_job["job_type"]) == (
        "SELECT 1;", "exclusive_cluster", "flink_sql_job")
