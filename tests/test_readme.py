"""The README's first screen: two commands to set up, and how to make the first moderator."""

import re

from django.conf import settings


def test_first_screen_has_two_setup_commands_and_the_first_moderator():
    readme = (settings.BASE_DIR / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:24])
    block = re.search(r"```sh\n(.*?)```", first_screen, re.DOTALL)[1]
    assert [line.split("#")[0].strip() for line in block.splitlines()] == ["make run", "make test"]
    after = first_screen[first_screen.index(block) + len(block):]
    assert "manage.py createsuperuser" in after
