# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's DOCUMENTATION as ansible-doc shows it: its own options and those of the collection's doc fragments it
extends (hwcloud.dli.NAME), merged. The connection fragment's options are left out on request: they are the
connection's argument spec, not the job's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

import yaml

PACKAGE = "ansible_collections.hwcloud.dli.plugins"


def module_documentation(module_name, with_connection=False):
    module = importlib.import_module("%s.modules.%s" % (PACKAGE, module_name))
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        namespace, collection, name = (fragment.split(".") + [None])[:3]
        if (namespace, collection) != ("hwcloud", "dli") or name in ("attributes",) or (
                name == "connection" and not with_connection):
            continue
        fragment_doc = yaml.safe_load(importlib.import_module("%s.doc_fragments.%s" % (PACKAGE, name))
                                      .ModuleDocFragment.DOCUMENTATION)
        for option, option_doc in (fragment_doc.get("options") or {}).items():
            assert option not in options, "%s: %s is documented by the module and by %s" % (module_name, option, fragment)
            options[option] = option_doc
    doc["options"] = options
    return doc


def documented_spec(options):
    """An argument spec from DOCUMENTATION options: what AnsibleModule checks, without the prose."""
    spec = {}
    for name, doc in options.items():
        entry = dict((key, doc[key]) for key in ("type", "elements", "choices", "default") if key in doc)
        entry.setdefault("type", "str")
        if "suboptions" in doc:
            entry["options"] = documented_spec(doc["suboptions"])
        spec[name] = entry
    return spec
