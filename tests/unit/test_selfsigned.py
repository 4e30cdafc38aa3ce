"""The compose gateway's development certificate (kring.selfsigned): made once, for the names
asked, its key private, and never replaced."""
import datetime
import ssl

from cryptography import x509

from kring import selfsigned


def test_it_is_made_for_the_names_and_kept_across_starts(tmp_path):
    assert selfsigned.ensure(tmp_path, ("gateway.local", "127.0.0.1")) is True
    first = (tmp_path / "tls.crt").read_bytes()
    certificate = x509.load_pem_x509_certificate(first)
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(n.value) for n in names] == ["gateway.local", "127.0.0.1"]
    assert (tmp_path / "tls.key").stat().st_mode & 0o077 == 0  # nobody else reads the key
    assert selfsigned.ensure(tmp_path) is False
    assert (tmp_path / "tls.crt").read_bytes() == first


def test_it_is_valid_now_for_a_year_and_a_tls_server_takes_it(tmp_path):
    selfsigned.ensure(tmp_path)
    certificate = x509.load_pem_x509_certificate((tmp_path / "tls.crt").read_bytes())
    now = datetime.datetime.now(datetime.timezone.utc)
    assert certificate.not_valid_before_utc < now
    assert certificate.not_valid_after_utc - now > datetime.timedelta(days=364)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "tls.crt", tmp_path / "tls.key")  # key and cert agree


def test_a_missing_key_makes_a_new_pair(tmp_path):
    selfsigned.ensure(tmp_path)
    (tmp_path / "tls.key").unlink()
    assert selfsigned.ensure(tmp_path) is True
