# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put on PYTHONPATH by tests/integration/run.py: while HWDLI_WITHOUT_REQUESTS is set, ``requests`` and
``urllib3`` cannot be imported, so every module of the run works as on a host with ansible-core alone.
The emulator needs them (through the official SDK's signer): the tasks that start it set the variable empty."""

import os
import sys

if os.environ.get("HWDLI_WITHOUT_REQUESTS"):
    for _name in ("requests", "urllib3"):
        sys.modules[_name] = None  # import fails with ImportError, as where the library is not installed
