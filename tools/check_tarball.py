#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the built collection tarball: what a user installs, and nothing of a developer's machine.

    check_tarball.py hwcloud-dli-X.Y.Z.tar.gz
"""

import re
import sys
import tarfile

# What must be in it: the plugins, the role, the metadata Galaxy, ansible-builder and AWX read, AWX's
# credential type, the docs.
REQUIRED = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "CHANGELOG.md",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "requirements.txt",  # what meta/execution-environment.yml points ansible-builder at
    "extensions/awx/huawei_cloud_credential_type.yml",
    "plugins/modules/dli_flink_jar_job.py",
    "plugins/modules/dli_flink_jar_job_info.py",
    "plugins/modules/dli_flink_jar_jobs.py",
    "plugins/modules/dli_flink_sql_job.py",
    "plugins/modules/dli_token.py",
    "plugins/module_utils/api.py",
    "roles/flink_jar_jobs/meta/argument_specs.yml",
    "roles/flink_jar_jobs/tasks/main.yml",
    "docs/docsite/extra-docs.yml",
    "changelogs/changelog.yaml",
)
# What must not: test output, virtual environments, caches, build leftovers, older tarballs, and the
# developer's tools, the benchmarks, their tests, the CI set-up and the contributors' guide (tools/, benchmarks/,
# tests/unit/tools/, tests/unit/benchmarks/, .ci/, .github/, Makefile, CONTRIBUTING.md and its test: galaxy.yml's
# build_ignore leaves them out).
FORBIDDEN = re.compile(
    r"(^|/)(tests/output|\.venv|\.tmp|\.ansible|\.git|__pycache__|\.pytest_cache|\.mypy_cache)(/|$)"
    r"|^(tools|benchmarks|tests/unit/tools|tests/unit/benchmarks|\.ci|\.github)/|\.pyc$|\.tar\.gz$|(^|/)Makefile$"
    r"|^(CONTRIBUTING\.md|tests/unit/test_contributing\.py)$"
)


def problems(path):
    with tarfile.open(path) as tar:
        names = [name[2:] if name.startswith("./") else name for name in tar.getnames()]
    found = ["missing: %s" % name for name in REQUIRED if name not in names]
    found += ["should not be packed: %s" % name for name in names if FORBIDDEN.search(name)]
    return found, len(names)


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__.strip())
    found, count = problems(argv[0])
    for line in found:
        print("tarball %s" % line)
    if found:
        return 1
    print("tarball: %d entries, nothing missing, nothing that should not be there" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
