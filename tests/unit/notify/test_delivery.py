"""The .eml channel: one file per notice, named by referral and kind, replaced on a retry."""
from email import message_from_bytes
from email.message import EmailMessage

import pytest

from services.notify.delivery import FileTransport, SmtpTransport, make_transport


def message(text):
    mail = EmailMessage()
    mail["Subject"] = "notice"
    mail.set_content(text)
    return mail


def test_a_retry_replaces_the_file_instead_of_adding_one(tmp_path):
    transport = FileTransport(tmp_path / "notices")
    accepted = []
    transport.deliver(message("first"), "r-1-start.eml", accepted.append)
    transport.deliver(message("second"), "r-1-start.eml", accepted.append)
    assert accepted == [str(tmp_path / "notices" / "r-1-start.eml")] * 2
    assert [p.name for p in (tmp_path / "notices").iterdir()] == ["r-1-start.eml"]
    with open(accepted[-1], "rb") as handle:
        assert message_from_bytes(handle.read()).get_payload().strip() == "second"


def test_a_file_that_could_not_be_written_is_not_reported_accepted(tmp_path):
    (tmp_path / "notices").write_text("a file where the folder should be")
    accepted = []
    with pytest.raises(OSError):
        FileTransport(tmp_path / "notices").deliver(message("m"), "r-1-start.eml",
                                                    accepted.append)
    assert accepted == []


def test_smtp_when_configured_files_otherwise(tmp_path):
    smtp = make_transport({"host": "mail.example.org", "port": 2525, "from": "k@example.org"},
                          str(tmp_path))
    assert isinstance(smtp, SmtpTransport) and (smtp.port, smtp.sender) == (2525, "k@example.org")
    files = make_transport(None, str(tmp_path))
    assert isinstance(files, FileTransport) and files.folder == tmp_path / "notices"
    assert files.sender == "kring@localhost"
