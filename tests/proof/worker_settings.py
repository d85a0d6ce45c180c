"""Settings for a worker process under test: mail to files, quick retries and stall detection."""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from newsroom.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.proof.worker_settings.SlowFlakyFileBackend"
EMAIL_FILE_PATH = os.environ["WORKER_MAIL_DIR"]
BACKGROUND_RETRY_BASE_SECONDS = 1
BACKGROUND_TASK_TIMEOUT = 2
MAIL_DELAY = float(os.environ.get("WORKER_MAIL_DELAY", "0"))


class SlowFlakyFileBackend(FileBackend):
    """Writes each message to a file the test reads; takes MAIL_DELAY seconds per message first, as a
    remote server would; refuses the first message to an address starting with "flaky" (a server hiccup)."""

    def send_messages(self, messages):
        for message in messages:
            time.sleep(MAIL_DELAY)
            if message.to[0].startswith("flaky"):
                first = Path(EMAIL_FILE_PATH) / f"refused-{message.to[0]}"
                if not first.exists():
                    first.touch()
                    raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(messages)
