"""The caller's address behind a gateway (kring/kit/remote.py): forwarded headers believed only
from KRING_TRUSTED_PROXIES."""
import pytest

from kring.kit.remote import DEFAULT_TRUSTED, client_address, networks

LOOPBACK = networks(",".join(DEFAULT_TRUSTED))
GATEWAY = networks("10.0.0.0/8, 127.0.0.1")


def test_a_direct_caller_is_its_own_address_whatever_it_claims():
    assert client_address("203.0.113.5", {"X-Forwarded-For": "1.2.3.4"}, LOOPBACK) == \
        "203.0.113.5"
    assert client_address("203.0.113.5", {"X-Real-IP": "1.2.3.4"}, LOOPBACK) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_first_untrusted_address_from_the_right_counts():
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.1.2.3"}
    assert client_address("10.0.0.2", headers, GATEWAY) == "203.0.113.9"


def test_x_real_ip_when_there_is_no_forwarded_for():
    assert client_address("127.0.0.1", {"X-Real-IP": "203.0.113.9"}, LOOPBACK) == \
        "203.0.113.9"


def test_a_trusted_proxy_without_headers_or_with_rubbish_is_what_can_be_read():
    assert client_address("127.0.0.1", {}, LOOPBACK) == "127.0.0.1"
    assert client_address("10.0.0.2", {"X-Forwarded-For": "203.0.113.9, junk"},
                          GATEWAY) == "10.0.0.2"
    assert client_address("::1", {"X-Forwarded-For": "2001:db8::7"}, LOOPBACK) == "2001:db8::7"


def test_the_setting_names_a_bad_entry():
    with pytest.raises(ValueError, match="'proxy.example.org'"):
        networks("10.0.0.0/8, proxy.example.org")
    assert networks("") == ()
