"""The thread_path format, known here alone.

A reply's path is its ancestors' ids and its own, each as 10 digits, joined by
slashes ("0000000012/0000000031"): ORDER BY thread_path gives thread order, and
the path of a reply's ancestor at depth d is the path's first `prefix_length(d)`
characters.
"""

ID_DIGITS = 10
LEVEL = ID_DIGITS + 1  # characters a level takes: the id and its slash
MAX_LENGTH = 255  # Comment.thread_path's column
MAX_LEVELS = (MAX_LENGTH + 1) // LEVEL  # the deepest nesting the column holds (23)


def child_path(parent_path, pk):
    """The path of reply `pk` under a parent with `parent_path` ("" for a top-level reply)."""
    own = f"{pk:0{ID_DIGITS}d}"
    return f"{parent_path}/{own}" if parent_path else own


def prefix_length(depth):
    """Length of the path of the ancestor at `depth` (0: the thread's top-level reply)."""
    return LEVEL * (depth + 1) - 1
