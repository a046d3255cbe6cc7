"""Commands of this package (filled in by later work)."""


def add_commands(sub) -> None:
    return None
