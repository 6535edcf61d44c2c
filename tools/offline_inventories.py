#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the intersphinx inventories the antsibull-docs site reads first, for a build with no internet.

The generated conf.py maps each inventory to a URL and to a local file beside its sources
(``../NAME.inv``), tried first. This network reaches no docs host, so the local files are made
here: the Ansible labels the generated pages link to, with their real docs.ansible.com
addresses, and empty inventories for the others. A page that links to a label not listed here
fails the build (Sphinx runs with -W): add the label, with its address, to ANSIBLE_LABELS.

    offline_inventories.py DIR   (DIR is the antsibull-docs site, the parent of its rst/)
"""

import os
import sys
import zlib

# label: (page and anchor under https://docs.ansible.com/projects/ansible/devel/, title)
ANSIBLE_LABELS = {
    "ansible_collections.ansible.builtin.uri_module": (
        "collections/ansible/builtin/uri_module.html#ansible-collections-ansible-builtin-uri-module",
        "ansible.builtin.uri module \u2013 Interacts with webservices"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
}
INVENTORIES = {
    "ansible_devel": ("Ansible", ANSIBLE_LABELS),
    "python2": ("Python", {}),
    "python3": ("Python", {}),
    "jinja2": ("Jinja", {}),
}


def inventory(project, labels):
    """Sphinx's inventory format, version 2: a plain header, then zlib-compressed entries."""
    header = "# Sphinx inventory version 2\n# Project: %s\n# Version: \n" % project
    header += "# The remainder of this file is compressed using zlib.\n"
    entries = "".join("%s std:label -1 %s %s\n" % (name, uri, title) for name, (uri, title) in sorted(labels.items()))
    return header.encode() + zlib.compress(entries.encode())


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__.strip())
    for name, (project, labels) in INVENTORIES.items():
        with open(os.path.join(argv[0], name + ".inv"), "wb") as handle:
            handle.write(inventory(project, labels))
    print("intersphinx: offline inventories written to %s" % argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
