"""Finding an archive hidden at the end of an accepted file (a polyglot).

A ZIP is read from its end: its last record (the "end of central directory")
says where the list of entries is. So a JPEG with a ZIP appended is at once a
valid photo for every viewer and a valid archive for every unzip tool, and a
library that accepts it would host and hand out the archive under a photo's
name. ``appended_archive`` looks for that record in the last 64 KiB of a file,
checking that it really closes the file (its comment ends exactly at the end)
and that the entry list it points to lies before it, so four bytes that merely
look like its signature inside compressed image data do not count.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from assets.errors import N_

APPENDED_ARCHIVE = N_("This type of file is not accepted: it carries a compressed archive inside.")

_EOCD = b"PK\x05\x06"
_CENTRAL_ENTRY = b"PK\x01\x02"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF


#: How many bytes from the end ``appended_archive_in`` reads first.
WINDOW = _EOCD_SIZE + _MAX_COMMENT


def appended_archive(path: Path) -> bool:
    """True when the file ends with a ZIP archive (its closing record and entry list)."""
    with path.open("rb") as fh:

        def read_at(start: int, count: int) -> bytes:
            fh.seek(start)
            return fh.read(count)

        return appended_archive_in(read_at, path.stat().st_size)


def appended_archive_in(read_at: Callable[[int, int], bytes], size: int) -> bool:
    """``appended_archive`` of bytes read by ``read_at(start, count)`` (a range of an
    object in a store): the last ``WINDOW`` bytes, then 4 bytes where the entry list
    would start."""
    if size < _EOCD_SIZE:
        return False
    window = min(size, WINDOW)
    tail = read_at(size - window, window)
    at = tail.rfind(_EOCD)
    while at != -1:
        record_at = size - window + at
        fields = struct.unpack("<4s4H2LH", tail[at : at + _EOCD_SIZE].ljust(_EOCD_SIZE, b"\0"))
        cd_size, comment = fields[5], fields[7]
        if record_at + _EOCD_SIZE + comment == size and cd_size <= record_at:
            # The entry list sits right before the closing record.
            if cd_size == 0 or read_at(record_at - cd_size, 4) == _CENTRAL_ENTRY:
                return True
        at = tail.rfind(_EOCD, 0, at)
    return False
