"""A mail server that takes SLOW_MAIL_SECONDS to accept a message: it notes in SLOW_MAIL_DIR
that a delivery started, waits, then writes the message there. A worker killed while it waits
leaves a start and no message."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        for message in email_messages:
            (folder / f"started-{os.getpid()}-{uuid.uuid4().hex}").touch()
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
            (folder / f"sent-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
