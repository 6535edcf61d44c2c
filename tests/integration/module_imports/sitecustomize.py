# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put on PYTHONPATH by tests/integration/run.py, so that the run shows what the modules need.

While HWDLI_WITHOUT_SDK is set, the Huawei Cloud SDK (huaweicloudsdk*) cannot be imported, as on a host with
ansible-core and requests alone. The emulator needs it (the official signer checks every signature): the tasks
that start it set the variable empty.

While HWDLI_IMPORT_LOG names a file, each process of one of the collection's modules (Ansible runs a module as
AnsiballZ_<name>.py) appends a line to it at exit: its name, then the top-level packages it imported (after the
interpreter's start-up, .pth hooks included) beyond the standard library, ansible-core and requests (with what
requests itself imports). The run fails if a line names any, or if
there is no line at all (the check did not run).
"""

import atexit
import os
import sys

# requests and what it imports, and what ansible-core's module_utils import.
ALLOWED = ("ansible", "ansible_collections", "requests", "urllib3", "certifi", "charset_normalizer", "chardet", "idna",
           "brotli", "brotlicffi", "zstandard", "socks", "simplejson", "cryptography", "OpenSSL", "_cffi_backend",
           "distro", "typing_extensions", "cython_runtime", "sitecustomize")


class _NoSdk:
    """An import hook that refuses the Huawei Cloud SDK."""

    @staticmethod
    def find_spec(name, path=None, target=None):  # pylint: disable=unused-argument
        if name.split(".")[0].startswith("huaweicloudsdk"):
            raise ImportError("%s is hidden from this run: the modules must not need it" % name)
        return None


def _log_imports(log, at_start):
    standard = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    extra = sorted(set(name.split(".")[0] for name in list(sys.modules) if sys.modules.get(name) is not None)
                   - at_start - standard - set(ALLOWED))
    extra = [name for name in extra if not name.startswith(("_cython_", "__main__", "__mp_main__"))]
    with open(log, "a") as handle:
        handle.write("%s:%s\n" % (os.path.basename(sys.argv[0]), "".join(" " + name for name in extra)))


if os.environ.get("HWDLI_WITHOUT_SDK"):
    sys.meta_path.insert(0, _NoSdk())

if os.environ.get("HWDLI_IMPORT_LOG") and os.path.basename(sys.argv[0] if sys.argv else "").startswith("AnsiballZ_dli_"):
    atexit.register(_log_imports, os.environ["HWDLI_IMPORT_LOG"], set(name.split(".")[0] for name in sys.modules))
