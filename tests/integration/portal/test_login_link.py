"""`kring login-link` (docs/contract.md §3): a one-time link into the portal's own database,
printed alone, at KRING_PORTAL_URL."""
from kring.cli import main
from kring.kit.db import make_engine
from services.portal import signin


def test_the_link_is_printed_alone_and_signs_the_person_in_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KRING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KRING_PORTAL_URL", "https://kring.example.org/")
    monkeypatch.delenv("KRING_DB_PORTAL", raising=False)
    assert main(["login-link", "--org", "huisarts-oost", "--role", "referrer",
                 "--subject", "anna"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://kring.example.org/login/") and "\n" not in link
    token = link.rsplit("/", 1)[1]
    engine = make_engine(f"sqlite:///{tmp_path}/portal.db")
    try:
        assert signin.link_identity(engine, token) == ("huisarts-oost", "referrer", "anna")
        assert signin.redeem_link(engine, token) is not None
        assert signin.redeem_link(engine, token) is None
    finally:
        engine.dispose()


def test_a_role_no_token_carries_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KRING_DATA_DIR", str(tmp_path))
    assert main(["login-link", "--org", "o", "--role", "wizard", "--subject", "p"]) == 2
    assert "role must be one of" in capsys.readouterr().err
