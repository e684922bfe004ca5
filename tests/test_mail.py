"""The file outbox: one whole message per file, readable by the site's own user alone."""

import stat
from pathlib import Path

from greenbm.mail import send_mail
from tests.outbox import sent_mail


def test_send_mail_writes_one_whole_message_per_file(app):
    with app.app_context():
        path = send_mail("李明@example.test", "企业注册成功", "请登录：\nhttp://localhost/login\n")
        send_mail("b@example.test", "Second", "Body")
    assert path.parent == Path(app.config["INSTANCE_DIR"]) / "outbox"
    assert path.suffix == ".eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.suffix != ".eml"] == []  # no partial
    first, second = sorted(sent_mail(app), key=lambda message: message["Subject"] != "企业注册成功")
    assert first["To"] == "李明@example.test"
    assert first["Subject"] == "企业注册成功"
    assert first["From"] == app.config["MAIL_SENDER"]
    assert first.get_content() == "请登录：\nhttp://localhost/login\n"
    assert second["Subject"] == "Second"
