# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The signer against Huawei's test vector and the official SDK's Signer; header options; redaction."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import functools
import hashlib
import json
from datetime import datetime, timezone

try:
    from urllib.parse import quote, quote_plus
except ImportError:  # pragma: no cover
    from urllib import quote, quote_plus  # type: ignore

import pytest
import echoed_secrets

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import (
    ENVIRONMENT_VARIABLES,
    REDACTED,
    SECRET_ENCODINGS,
    AkSkAuth,
    CredentialsError,
    PasswordCredentials,
    Redactor,
    TokenAuth,
    clean_header_options,
    credentials_from_params,
    proxy_secrets,
    params_and_redactor,
    refuse_blank_secrets,
    secret_forms,
    sign_request,
)


AK = "HPUABCDEFGHIJKLMNOPQ"
SK = "0123456789abcdefghijABCDEFGHIJ0123456789"
DATE = "20260102T030405Z"


def test_huawei_test_vector():
    headers = {"Content-Type": "application/json", "X-Sdk-Date": "20191115T033655Z"}
    canonical = sign_request(
        "GET",
        "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
        "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        headers, b"", AK, SK)
    assert hashlib.sha256(canonical.encode()).hexdigest() == \
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert headers["Host"] == "service.region.example.com"
    assert headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-sdk-date, Signature=" % AK)


def _sdk_authorization(method, host, path, query, headers, body):
    sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    sdk_credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    request = sdk_request.SdkRequest(
        method=method, schema="https", host=host, resource_path=path,
        query_params=list(query), header_params=dict(headers), body=body)
    signer = sdk_signer.Signer(sdk_credentials.BasicCredentials(AK, SK))
    return signer.sign(request).header_params["Authorization"]


SPREAD = [
    ("GET", "dli.cn-north-4.myhuaweicloud.com", "/v1.0/p1/streaming/jobs/104", [], {}, b""),
    ("PUT", "dli.eu-de.otc.t-systems.com", "/v1.0/p1/streaming/flink-jobs/104", [],
     {"Content-Type": "application/json", "X-Project-Id": "p1"},
     b'{"name":"test1","parallel_number":4,"runtime_config":"[{\\"key\\":\\"k\\",\\"value\\":\\"v\\"}]"}'),
    ("GET", "127.0.0.1:8443", "/v1.0/p1/streaming/jobs",
     [("show_detail", "true"), ("limit", "100"), ("name", "a b/c~d*e"), ("offset", "0")],
     {"X-Project-Id": "p1"}, b""),
    ("POST", "dli.ap-southeast-1.myhuaweicloud.com", "/v1.0/p1/streaming/jobs/stop", [],
     {"Content-Type": "application/json", "X-Security-Token": "tok en=", "X-Project-Id": "p1"},
     u'{"job_ids":[104],"trigger_savepoint":true,"desc":"caf\u00e9"}'.encode("utf-8")),
    ("DELETE", "dli.x.example.com", "/v1.0/p%201/odd path/%E4%BD%A0", [("a", ""), ("a", "b")], {}, b""),
]


@pytest.mark.parametrize("method, host, path, query, headers, body", SPREAD)
def test_matches_official_sdk(method, host, path, query, headers, body):
    from ansible_collections.hwcloud.dli.plugins.module_utils.auth import _encode
    query_string = "&".join("%s=%s" % (_encode(k), _encode(v)) for k, v in query)
    url = "https://%s%s%s" % (host, path, "?" + query_string if query_string else "")
    ours = dict(headers, **{"X-Sdk-Date": DATE})
    sign_request(method, url, ours, body, AK, SK)
    expected = _sdk_authorization(method, host, path, query, dict(headers, **{"X-Sdk-Date": DATE}), body)
    assert ours["Authorization"] == expected


def test_sets_date_when_absent_and_never_changes_the_body():
    headers = {}
    now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=timezone.utc)
    sign_request("GET", "https://h.example.com/v1", headers, None, AK, SK, now=now)
    assert headers["X-Sdk-Date"] == "20261123T100000Z"
    assert headers["Host"] == "h.example.com"


def test_headers_with_underscore_are_not_signed():
    headers = {"X-Sdk-Date": DATE, "my_header": "x"}
    sign_request("GET", "https://h.example.com/v1", headers, b"", AK, SK)
    assert "SignedHeaders=host;x-sdk-date," in headers["Authorization"]


def test_a_different_secret_gives_a_different_signature():
    one, two = {"X-Sdk-Date": DATE}, {"X-Sdk-Date": DATE}
    sign_request("GET", "https://h.example.com/v1", one, b"", AK, SK)
    sign_request("GET", "https://h.example.com/v1", two, b"", AK, SK + "x")
    assert one["Authorization"] != two["Authorization"]


def test_security_token_is_set_before_signing():
    headers = {"X-Sdk-Date": DATE}
    AkSkAuth(AK, SK, "sts-token").apply("GET", "https://h.example.com/v1", headers, None)
    assert headers["X-Security-Token"] == "sts-token"
    assert "SignedHeaders=host;x-sdk-date;x-security-token," in headers["Authorization"]


def test_token_auth_sets_header_only():
    headers = {}
    TokenAuth("tkn").apply("GET", "https://h/v1", headers, None)
    assert headers == {"X-Auth-Token": "tkn"}


@pytest.mark.parametrize("params, kind", [
    (dict(auth_token="t", access_key=AK, secret_key=SK, user_name="u", password="p", domain_name="d"), TokenAuth),
    (dict(access_key=AK, secret_key=SK, user_name="u", password="p", domain_name="d"), AkSkAuth),
    (dict(access_key=AK, user_name="u", password="p", domain_name="d"), PasswordCredentials),
])
def test_first_complete_credentials_win(params, kind):
    assert isinstance(credentials_from_params(params), kind)


def test_incomplete_credentials_name_options_and_environment():
    with pytest.raises(CredentialsError) as excinfo:
        credentials_from_params(dict(access_key=AK, user_name="u"))
    msg = str(excinfo.value)
    for name in ("auth_token (HW_AUTH_TOKEN)", "secret_key (HW_SECRET_KEY)", "access_key (HW_ACCESS_KEY)",
                 "password (HW_USER_PASSWORD)", "domain_name (HW_DOMAIN_NAME)"):
        assert name in msg
    assert "Only access_key, user_name are set." in msg


# An AWX credential type injects every variable it lists, those of inputs left empty as "": with Ansible's
# env_fallback, the options get "". Empty is unset, whichever credential set it belongs to.
EMPTY = dict((option, "") for option in ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize("params, kind", [
    (dict(EMPTY, access_key=AK, secret_key=SK), AkSkAuth),
    (dict(EMPTY, access_key=AK, secret_key=SK, security_token=""), AkSkAuth),
    (dict(EMPTY, user_name="u", password="p", domain_name="d"), PasswordCredentials),
    (dict(EMPTY, auth_token="t"), TokenAuth),
])
def test_empty_values_count_as_unset(params, kind):
    clean_header_options(params)  # as the client does first: "" stays "", and is not refused
    credentials = credentials_from_params(params)
    assert isinstance(credentials, kind)
    if kind is AkSkAuth:
        headers = {}
        credentials.apply("GET", "https://h.example.com/v1", headers, b"")
        assert "X-Security-Token" not in headers  # an empty security token is not sent


def test_only_empty_values_are_no_credentials_and_none_is_named_as_set():
    with pytest.raises(CredentialsError) as excinfo:
        credentials_from_params(dict(EMPTY))
    assert str(excinfo.value).startswith("No complete Huawei Cloud credentials were given.")
    assert "Only" not in str(excinfo.value)


def test_password_token_request_body():
    body = PasswordCredentials("u", "pw", "dom").token_request_body("proj")
    assert body == {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "u", "password": "pw", "domain": {"name": "dom"}}}}, "scope": {"project": {"id": "proj"}}}}


# -- header options: stripped, or refused without showing the value -----------------------------

@pytest.mark.parametrize("option", ["auth_token", "security_token", "access_key", "project_id"])
def test_header_options_lose_a_pasted_newline(option):
    params = {option: " \tvalue-1\r\n"}
    clean_header_options(params)
    assert params == {option: "value-1"}


@pytest.mark.parametrize("option", ["auth_token", "security_token", "access_key", "project_id"])
@pytest.mark.parametrize("value", ["Sx9-inner\nline", "Sx9-inner\rline", "Sx9-ctl\x01char", "Sx9-del\x7fchar",
                                   u"Sx9-caf\u00e9", "Sx9 with space", u"Sx9-\u2028sep"])
def test_a_header_option_no_header_can_carry_is_refused_without_its_value(option, value):
    with pytest.raises(CredentialsError) as excinfo:
        clean_header_options({option: value})
    msg = str(excinfo.value)
    assert msg == ("%s (%s) holds a space, a control character or a non-ASCII character; it is sent as an HTTP "
                   "header, which takes printable ASCII only." % (option, ENVIRONMENT_VARIABLES[option]))
    for form in secret_forms(value) | {"Sx9"}:
        assert form not in msg
    assert excinfo.value.__context__ is None and excinfo.value.__cause__ is None


def test_options_that_are_not_header_values_are_left_alone():
    params = {"secret_key": "sk\n", "password": u"p\u00e4ss word\n", "project_id": None}
    clean_header_options(params)
    assert params == {"secret_key": "sk\n", "password": u"p\u00e4ss word\n", "project_id": None}


# -- every form of a secret is redacted --------------------------------------------------------

FORMS = [
    ("as is", lambda s: s),
    ("repr", lambda s: repr(s)[1:-1]),
    ("JSON", lambda s: json.dumps(s)[1:-1]),
    ("unicode-escape", lambda s: s.encode("unicode_escape").decode("ascii")),
    ("URL-quoted", lambda s: quote(s, safe="")),
    ("URL-quoted, / kept", quote),
    ("URL-quoted with +", quote_plus),
]


@pytest.mark.parametrize("secret", ["tok\n", u"p@ss w\u00f6rd/+&=\"'\\\t", "plain-Secret_42"])
@pytest.mark.parametrize("name, encode", FORMS, ids=[name for name, dummy in FORMS])
def test_redactor_removes_every_form_of_a_secret(secret, name, encode):
    form = encode(secret)
    assert form in secret_forms(secret)
    text = "before [%s] after" % form
    assert Redactor([secret])(text) == "before [%s] after" % REDACTED
    assert Redactor()(text) == text  # a redactor that does not know the secret changes nothing


def test_repr_form_of_a_token_with_a_newline():
    assert "tok\\n" in secret_forms("tok\n")
    redact = Redactor(["tok\n"])
    assert redact("Invalid header value 'tok\\n'") == "Invalid header value '%s'" % REDACTED
    assert redact(repr({"X-Auth-Token": "tok\n"})) == "{'X-Auth-Token': '%s'}" % REDACTED
    assert redact(json.dumps({"auth": "tok\n"})) == '{"auth": "%s"}' % REDACTED


def test_redactor_added_secrets_and_none():
    redact = Redactor([None, "", "first-secret"])
    redact.add("second/secret")
    redact.add(None)
    assert redact("first-secret second%2Fsecret second/secret") == " ".join([REDACTED] * 3)
    assert redact(None) is None
    assert redact(401) == "401"


def test_redactor_never_leaves_half_of_a_longer_form():
    # "ab" is a form of the first secret, and inside the second: the longer is replaced whole.
    redact = Redactor(["ab", "xxabyy"])
    assert redact("xxabyy ab") == "%s %s" % (REDACTED, REDACTED)


# -- every form SECURITY.md lists, form by form -------------------------------------------------

@functools.lru_cache(maxsize=None)
def _redactor(secrets, environment):
    return Redactor(list(secrets) + proxy_secrets(dict(environment)))


@pytest.mark.parametrize("form", echoed_secrets.listed_forms())
def test_every_form_security_md_lists_is_redacted(form):
    for secrets, environment, text, markers in echoed_secrets.cases(form):
        assert echoed_secrets.leaks(text, markers) == list(markers)  # the echo holds the secret, readable
        redacted = _redactor(secrets, tuple(sorted(environment.items())))(text)
        assert REDACTED in redacted
        assert echoed_secrets.leaks(redacted, markers) == [], (form, text, redacted)


def test_security_md_lists_the_escapings_the_redactor_knows_and_no_more():
    listed = echoed_secrets.listed_forms()
    assert len(listed) == len(set(listed))
    assert set(name for name, dummy in SECRET_ENCODINGS) <= set(listed)
    assert set(listed) == set(echoed_secrets.ENCODINGS) | {"two layers", "Proxy-Authorization"}


def test_a_secret_given_with_surrounding_whitespace_is_redacted_as_given_and_stripped():
    redact = Redactor([" \tZq8-secret-value\n"])
    assert redact("a Zq8-secret-value b") == "a %s b" % REDACTED
    assert redact("a \tZq8-secret-value\n b") == "a%s b" % REDACTED  # the whole value as given


def test_a_json_login_body_echoed_in_a_repr_loses_the_password_escaped_twice():
    # The password is escaped once in the login body (\" and \u00f6), once more by repr (\\" and \\u00f6).
    password = u'Zq8"p\u00e4ss\u00f6'
    body = json.dumps({"auth": {"password": password, "name": "u"}})
    assert "Zq8" in repr(body) and REDACTED not in repr(body)
    assert "Zq8" not in Redactor([password])(repr(body))


# -- proxy credentials ---------------------------------------------------------------------------

def _basic(user, password):
    return base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_proxy_secrets_are_the_user_and_password_raw_and_decoded_and_their_basic_form(name):
    secrets = proxy_secrets({name: " http://pr%40xy-user:pa%3Ass%2Fw0rd@proxy.example.com:3128/ "})
    assert set(secrets) == {"pr%40xy-user", "pr@xy-user", "pa%3Ass%2Fw0rd", "pa:ss/w0rd",
                            _basic("pr@xy-user", "pa:ss/w0rd"), _basic("pr%40xy-user", "pa%3Ass%2Fw0rd")}


def test_proxy_secrets_take_every_proxy_variable_and_nothing_else():
    environ = {"HTTPS_PROXY": "http://u1:p1@a:1", "http_proxy": "u2:p2@b:2", "ALL_PROXY": "http://u3@c:3",
               "NO_PROXY": "u4:p4@d", "OTHER": "http://u5:p5@e", "all_proxy": "http://f:3/@not-user-info",
               "HTTP_PROXY": "http://g:4"}
    assert set(proxy_secrets(environ)) == {"u1", "p1", _basic("u1", "p1"), "u2", "p2", _basic("u2", "p2"), "u3",
                                           _basic("u3", "")}


def test_proxy_secrets_of_a_url_urlsplit_refuses():
    assert set(proxy_secrets({"HTTPS_PROXY": "http://user:pass-word@[::1"})) >= {"user", "pass-word"}


def test_no_proxy_no_secrets():
    assert proxy_secrets({}) == []
    assert proxy_secrets({"HTTPS_PROXY": "http://proxy.example.com:3128", "HTTP_PROXY": ""}) == []


# -- blank and short secrets -----------------------------------------------------------------------

def test_a_blank_secret_is_not_redacted_every_space_is_kept():
    # HW_SECRET_KEY=' ' turned every space of a message into ********.
    assert Redactor([" ", "\t \n"])("No complete credentials were given.") == "No complete credentials were given."


def test_a_short_secret_is_redacted_only_as_a_word_of_its_own():
    # secret_key "a" turned "password" into "p********ssword".
    redact = Redactor(["a"])
    assert redact("a password was wrong for a, said (a) and 'a'") == \
        "%s password was wrong for %s, said (%s) and '%s'" % ((REDACTED,) * 4)
    assert redact("Signature mismatch") == "Signature mismatch"


def test_a_short_secret_with_signs_is_redacted_as_a_word_in_each_of_its_forms():
    redact = Redactor(["p/w 1"])
    assert redact("key p/w 1 or p%2Fw%201 or p/w%201, not xp/w 1y") == "key %s or %s or %s, not xp/w 1y" % (
        (REDACTED,) * 3)


def test_a_secret_of_eight_characters_is_redacted_wherever_it_occurs():
    assert Redactor(["abcdefgh"])("xxabcdefghyy") == "xx%syy" % REDACTED


@pytest.mark.parametrize("option", ["secret_key", "password", "auth_token", "security_token"])
@pytest.mark.parametrize("value", [" ", "  \t", "\n"])
def test_a_blank_secret_is_refused_naming_the_option_and_its_variable(option, value):
    with pytest.raises(CredentialsError) as excinfo:
        refuse_blank_secrets({option: value})
    assert str(excinfo.value) == "%s (%s) is blank: give the secret itself, or leave both the option and the " \
        "variable unset." % (option, ENVIRONMENT_VARIABLES[option])


def test_empty_short_and_unset_secrets_are_not_refused_as_blank():
    refuse_blank_secrets(dict(secret_key="", password=None, auth_token="a"))


class FakeModule(object):
    def __init__(self, params):
        self.params = dict(params)
        self.no_log_values = set(value for value in params.values() if value)
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def test_params_and_redactor_warns_of_a_short_secret_without_its_value_and_takes_it_from_ansibles_masking():
    module = FakeModule(dict(access_key="AK", secret_key="zq", password="a-long-password-1", auth_token=" "))
    params, redact = params_and_redactor(module)
    assert params["secret_key"] == "zq" and params["auth_token"] == " "  # the values, for the client
    assert module.warnings == ["secret_key (HW_SECRET_KEY) is shorter than 8 characters, which no real one is: check "
                               "the value given. It is hidden in messages only where it stands as a word of its own."]
    assert "zq" not in module.no_log_values and " " not in module.no_log_values
    assert "a-long-password-1" in module.no_log_values
    # What the result's invocation shows: the short and blank ones masked whole, the others as Ansible masks them.
    assert module.params["secret_key"] == REDACTED and module.params["auth_token"] == REDACTED
    assert module.params["password"] == "a-long-password-1"
    assert redact("zq zqx a-long-password-1") == "%s zqx %s" % (REDACTED, REDACTED)
