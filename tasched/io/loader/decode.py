"""From a school file's bytes to its text, refusing what is not UTF-8 text with the way to fix it.

A workbook, a PDF or an image is named as such; UTF-16 and Windows-1252 text get
the steps to save the file as UTF-8.
"""

from __future__ import annotations

from tasched.io.loader.document import _fail

__all__ = ["decode_text"]

# The first bytes of files that are not text, and what they are.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook?); a workbook must be named .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc); in Excel, save it as .xlsx"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)

_UTF16 = "the file is UTF-16 text; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)"


def decode_text(raw: bytes, name: str) -> str:
    """The file's text (UTF-8, with or without a BOM); anything else is an InputError saying what it is."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, _UTF16, 1)
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise _fail(name, f"this is {what}, not a YAML text file", 1)
    head = raw[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2]:
        raise _fail(name, _UTF16, 1)  # UTF-16 without a byte-order mark: every other byte is 0
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if control >= 2 and control > len(head) // 100:
        raise _fail(
            name,
            "this is a binary file, not YAML text; a school file is YAML (.yaml) or an Excel workbook (.xlsx)",
            1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise _fail(
            name,
            f"not UTF-8 text: byte 0x{byte} at offset {error.start} cannot be read "
            "(the file was probably saved as Windows-1252 or Latin-1); save it as UTF-8",
            line,
        ) from None
