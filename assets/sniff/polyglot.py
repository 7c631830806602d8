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

import os
import struct
from pathlib import Path

from assets.errors import N_

APPENDED_ARCHIVE = N_("This type of file is not accepted: it carries a compressed archive inside.")

_EOCD = b"PK\x05\x06"
_CENTRAL_ENTRY = b"PK\x01\x02"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF


def appended_archive(path: Path) -> bool:
    """True when the file ends with a ZIP archive (its closing record and entry list)."""
    size = path.stat().st_size
    if size < _EOCD_SIZE:
        return False
    window = min(size, _EOCD_SIZE + _MAX_COMMENT)
    with path.open("rb") as fh:
        fh.seek(size - window, os.SEEK_SET)
        tail = fh.read(window)
        at = tail.rfind(_EOCD)
        while at != -1:
            record_at = size - window + at
            fields = struct.unpack("<4s4H2LH", tail[at : at + _EOCD_SIZE].ljust(_EOCD_SIZE, b"\0"))
            cd_size, comment = fields[5], fields[7]
            if record_at + _EOCD_SIZE + comment == size and cd_size <= record_at:
                # The entry list sits right before the closing record.
                fh.seek(record_at - cd_size)
                if cd_size == 0 or fh.read(4) == _CENTRAL_ENTRY:
                    return True
            at = tail.rfind(_EOCD, 0, at)
    return False
