# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The forms of a secret that SECURITY.md lists, read from it, and written here without auth.py's help.

A test parametrized with ``listed_forms()`` runs once per form SECURITY.md names, and ``cases`` fails on a
name it does not know: the list and the tests cannot drift apart.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import html
import json
import os
import re
from xml.sax.saxutils import escape as xml_escape

try:
    from urllib.parse import quote, quote_plus, urlencode
except ImportError:  # pragma: no cover
    from urllib import quote, quote_plus, urlencode  # type: ignore

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Secrets holding what the escapings change (quotes, a space, a tab, a backslash, /, &, <, %, +, non-ASCII);
# the second has one kind of quote only, so that repr picks the other quote to wrap it. Each starts,
# holds and ends with a marker that no escaping changes and redaction must not leave.
SECRETS = (u"Tq9\"Zxr w\u00f6/'&<>+%\\\tKw7m", u"Tq9'Zxr w\u00f6rd/Kw7m")
MARKERS = ("Tq9", "Zxr", "Kw7m")
PROXY_USER = u"Pu7ser@corp"
PROXY_PASSWORD = u"Pw9\"x/\u00f6@:Kw7m"


def listed_forms():
    """The names in bold between SECURITY.md's secret forms markers."""
    with open(os.path.join(ROOT, "SECURITY.md")) as handle:
        text = handle.read()
    block = text.split("<!-- secret forms")[1].split("<!-- end of secret forms")[0]
    return re.findall(r"^\s*- \*\*(.+?)\*\*", block, re.M)


def _lower_hex(text):
    return re.sub(r"%[0-9A-F]{2}", lambda match: match.group().lower(), text)


def _markupsafe(text):  # as Jinja's autoescape writes it
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


# Each form: the ways a whole echoed text can be written in it.
ENCODINGS = {
    "as it is": [lambda text: text],
    "Python repr": [repr, ascii, lambda text: repr(text + "'\"")],
    "JSON": [json.dumps, lambda text: json.dumps(text, ensure_ascii=False),
             lambda text: json.dumps(text).replace("/", "\\/")],
    "unicode-escape": [lambda text: text.encode("unicode_escape").decode("ascii")],
    "URL-encoding": [lambda text: quote(text, safe=""), quote, quote_plus,
                     lambda text: _lower_hex(quote(text, safe="")), lambda text: urlencode({"p": text})],
    "HTML entities": [html.escape, lambda text: html.escape(text, quote=False), _markupsafe,
                      lambda text: xml_escape(text, {"'": "&apos;", '"': "&quot;"}),
                      lambda text: html.escape(text).encode("ascii", "xmlcharrefreplace").decode("ascii")],
    "UTF-8 read as Latin-1": [lambda text: text.encode("utf-8").decode("latin-1")],
}


def proxy_environment():
    return {"https_proxy": "http://%s:%s@proxy.example.com:3128" % (quote(PROXY_USER, safe=""),
                                                                    quote(PROXY_PASSWORD, safe=""))}


def cases(name):
    """The echoes of the form ``name``: a list of (secrets, environment, text, markers). The secrets are
    given as options, the environment holds the proxy variables; the text echoes them in that form, and
    none of the markers may be left once it is redacted."""
    if name in ENCODINGS:
        return [((secret,), {}, encode("[%s]" % secret), MARKERS) for secret in SECRETS for encode in ENCODINGS[name]]
    escapings = [encode for form, encodings in ENCODINGS.items() if form != "as it is" for encode in encodings]
    if name == "two layers":
        return [((secret,), {}, outer(inner("[%s]" % secret)), MARKERS)
                for secret in SECRETS for outer in escapings for inner in escapings]
    if name == "Proxy-Authorization":
        basic = base64.b64encode(("%s:%s" % (PROXY_USER, PROXY_PASSWORD)).encode("utf-8")).decode("ascii")
        environment = proxy_environment()
        echo = "[proxy %s (user %s, password %s), Proxy-Authorization: Basic %s]" % (
            environment["https_proxy"], PROXY_USER, PROXY_PASSWORD, basic)
        return [((), environment, encode(echo), tuple(re.findall(r"[A-Za-z0-9]{4,}", basic)) + ("Pu7", "Pw9"))
                for encode in [lambda text: text] + escapings]
    raise AssertionError("SECURITY.md lists a form of secrets that no test knows: %s" % name)


def leaks(text, markers):
    return [marker for marker in markers if marker in text]
