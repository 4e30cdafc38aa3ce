"""The .eml channel: one file per notice, named by referral and kind, replaced on a retry,
sealed under the data keys."""
from email import message_from_bytes
from email.message import EmailMessage
from shutil import copyfile

import pytest

from kring.kit.crypto import DataKeyError
from services.notify.delivery import FileTransport, SmtpTransport, make_transport
from services.notify.handlers import read_notice_file


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
    assert message_from_bytes(read_notice_file(accepted[-1])).get_payload().strip() == "second"


def test_a_notice_file_is_sealed_and_opens_only_under_its_own_name(tmp_path):
    folder = tmp_path / "notices"
    FileTransport(folder).deliver(message("support started for j.devries@example.org"),
                                  "r-1-start.eml", lambda _location: None)
    stored = (folder / "r-1-start.eml").read_bytes()
    assert stored.startswith(b"enc:") and b"devries" not in stored and b"notice" not in stored
    copyfile(folder / "r-1-start.eml", folder / "r-2-start.eml")
    with pytest.raises(DataKeyError):
        read_notice_file(folder / "r-2-start.eml")


def test_a_notice_file_written_before_files_were_sealed_still_reads(tmp_path):
    (tmp_path / "r-1-start.eml").write_bytes(message("plain").as_bytes())
    assert message_from_bytes(read_notice_file(tmp_path / "r-1-start.eml")) \
        .get_payload().strip() == "plain"


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
