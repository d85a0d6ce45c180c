"""One-off (issue 13): read the apps' settings through their conf.py, not django.conf.settings.

settings.COMMENTS_WEBHOOKS_X -> webhook_settings.X, settings.COMMENTS_X -> comment_settings.X,
settings.BACKGROUND_X -> background_settings.X, getattr(settings, "COMMENTS_X", default) likewise.
Assignments and deletions (tests' `settings.COMMENTS_X = 0`, `del settings.COMMENTS_X`) are left alone. Idempotent: run it again after a merge.
Usage, from the repository root: python tools/use_app_settings.py
"""

import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
DIRS = ["articles", "comments", "background", "webhooks", "newsroom", "tests", "bench"]
SKIP = {"newsroom/settings.py", "newsroom/app_settings.py", "comments/conf.py", "background/conf.py",
        "webhooks/conf.py", "tools/use_app_settings.py"}
# (setting prefix, app, object); the longer prefix first.
APPS = [("COMMENTS_WEBHOOKS_", "webhooks", "webhook_settings"), ("COMMENTS_", "comments", "comment_settings"),
        ("BACKGROUND_", "background", "background_settings")]
# Not the target of an assignment: `settings.X = 1`, `settings.X, settings.Y = 1, 2`, `settings.X += 1`.
NOT_ASSIGNED = r"(?!(?:\s*,\s*settings\.\w+)*\s*(?:=[^=]|\+=|-=))"
FIRST_PARTY = ("articles", "comments", "background", "webhooks", "newsroom", "tests", "bench")


def import_statements(lines):
    """(first line, last line, module) of each top-level import before the code starts."""
    found, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(("def ", "class ", "@")) or re.match(r"[A-Za-z_]\w* *[:=]", line):
            break
        if line.startswith(("import ", "from ")):
            first = i
            while lines[i].rstrip().endswith(("(", ",", "\\")):
                i += 1
            found.append((first, i, line.split()[1]))
        i += 1
    return found


def group(module):
    return 2 if module.startswith(".") else 1 if module.split(".")[0] in FIRST_PARTY else 0


def add_import(text, module, name):
    line = f"from {module} import {name}"
    if line in text:
        return text
    lines = text.split("\n")
    statements = import_statements(lines)
    mine = group(module)
    same = [s for s in statements if group(s[2]) == mine]
    if same:
        after = [s for s in same if s[2] > module]
        at = after[0][0] if after else same[-1][1] + 1
        lines.insert(at, line)
    else:
        before = [s for s in statements if group(s[2]) < mine]
        at = before[-1][1] + 1 if before else (statements[0][0] if statements else 0)
        lines[at:at] = ["", line] if before else [line, ""]
    return "\n".join(lines)


def rewrite(path, text):
    rel = path.relative_to(ROOT).as_posix()
    needed = set()
    for prefix, app, obj in APPS:
        getattr_form = re.compile(rf"getattr\(\s*settings,\s*\"{prefix}(\w+)\"(?:,[^()]*)?\)")
        attr_form = re.compile(rf"(?<!del )\bsettings\.{prefix}(\w+)\b{NOT_ASSIGNED}")
        text, n1 = getattr_form.subn(rf"{obj}.\1", text)
        text, n2 = attr_form.subn(rf"{obj}.\1", text)
        if n1 + n2:
            needed.add((app, obj))
    for app, obj in sorted(needed):
        module = ".conf" if rel.startswith(f"{app}/") and rel.count("/") == 1 else f"{app}.conf"
        text = add_import(text, module, obj)
    # Drop `from django.conf import settings` when nothing else uses it.
    imp = "from django.conf import settings\n"
    if imp in text and not re.search(r"\bsettings\b", text.replace(imp, "")):
        text = text.replace(f"\n\n{imp}\n", "\n\n").replace(imp, "")  # with its group's blank line if alone
    return text


for d in DIRS:
    for path in sorted((ROOT / d).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SKIP or "/migrations/" in rel:
            continue
        old = path.read_text()
        new = rewrite(path, old)
        if new != old:
            path.write_text(new)
            print("rewrote", rel)
