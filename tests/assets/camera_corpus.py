"""Real camera photographs from Debian's wallpaper packages, for the metadata tests.

Generated files say what their writer meant; cameras and editors write what
they write (an XMP lang-alt whose text is "x-default", "OLYMPUS DIGITAL
CAMERA" as the description, bytes after a make's NUL). The packages below
ship camera JPEGs with their EXIF and XMP intact:

- ``mate-backgrounds``: Sony DSC-RX100M4, Konica Minolta DiMAGE Z5, three Canons;
- ``plasma-workspace-wallpapers``: Olympus E-M1 (the x-default XMP), Sony NEX-3N
  (the Aarhus cups: a real EXIF description behind a placeholder XMP one),
  Nokia N9 (the NUL in the make), Canon EOS 70D (sub-seconds).

``corpus()`` downloads them with ``apt-get download`` (about 140 MB, once),
keeps one JPEG of each photograph (about 15 MB) in the cache folder
(``BRANDHUB_CAMERA_CORPUS``, else ``~/.cache/brandhub/camera-photos``) and
deletes the packages; later runs use the cache. Nothing of it is committed.
``python -m tests.assets.camera_corpus`` fills the cache (``make`` does it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# package -> the photographs kept (paths inside the package)
PHOTOS: dict[str, tuple[str, ...]] = {
    "mate-backgrounds": (
        "usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg",
        "usr/share/backgrounds/mate/nature/Dune.jpg",
        "usr/share/backgrounds/mate/nature/Wood.jpg",
        "usr/share/backgrounds/mate/nature/Storm.jpg",
        "usr/share/backgrounds/mate/nature/Blinds.jpg",
    ),
    "plasma-workspace-wallpapers": tuple(
        f"usr/share/wallpapers/{name}/contents/images/2560x1600.jpg"  # the other sizes link to it
        for name in (
            "Path",
            "DarkestHour",
            "Kite",
            "OneStandsOut",
            "ColdRipple",
            "BytheWater",
            "FallenLeaf",
            "ColorfulCups",
        )
    ),
}
DONE = ".complete"


class Unavailable(Exception):
    """The corpus cannot be had here (no apt, no network, no package)."""


def cache_dir() -> Path:
    configured = os.environ.get("BRANDHUB_CAMERA_CORPUS")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / (
        "brandhub/camera-photos"
    )


def _name(package: str, member: str) -> str:
    """A flat, readable file name: ``plasma-workspace-wallpapers--ColorfulCups--2560x1600.jpg``."""
    parts = Path(member).parts
    if "wallpapers" in parts:
        return f"{package}--{parts[parts.index('wallpapers') + 1]}--{parts[-1]}"
    return f"{package}--{parts[-1]}"


def _download(package: str, into: Path) -> Path:
    apt = shutil.which("apt-get")
    if apt is None or shutil.which("dpkg-deb") is None:
        raise Unavailable("apt-get and dpkg-deb are needed to fetch the camera photographs")
    for attempt in range(2):
        done = subprocess.run(
            [apt, "download", "-q", package],
            cwd=into,
            capture_output=True,
            text=True,
            timeout=600,
        )
        debs = sorted(into.glob(f"{package}_*.deb"))
        if done.returncode == 0 and debs:
            return debs[-1]
        if attempt == 0 and os.geteuid() == 0:  # package lists may be missing: fetch them once
            subprocess.run([apt, "update", "-qq"], capture_output=True, timeout=600)
            continue
        raise Unavailable(f"apt-get download {package} failed: {done.stderr.strip()[-300:]}")
    raise Unavailable(f"apt-get download {package} failed")


def _extract(deb: Path, package: str, wanted: tuple[str, ...], into: Path) -> None:
    """Only the wanted members, streamed out of the package's data archive."""
    names = {f"./{m}" for m in wanted} | set(wanted)
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.name in names and member.isfile():
                    source = tar.extractfile(member)
                    assert source is not None
                    target = into / _name(package, member.name.removeprefix("./"))
                    with target.open("wb") as out:
                        shutil.copyfileobj(source, out)
    finally:
        proc.stdout.close()
        proc.wait(timeout=120)


def corpus() -> list[Path]:
    """The photographs, fetched once and cached; raises ``Unavailable`` if it cannot."""
    folder = cache_dir()
    if (folder / DONE).exists():
        return sorted(folder.glob("*.jpg"))
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="brandhub-debs-") as tmp:
        for package, wanted in PHOTOS.items():
            deb = _download(package, Path(tmp))
            _extract(deb, package, wanted, folder)
            deb.unlink()
    photos = sorted(folder.glob("*.jpg"))
    if not photos:
        raise Unavailable("the packages held none of the expected photographs")
    (folder / DONE).write_text("\n".join(p.name for p in photos) + "\n")
    return photos


if __name__ == "__main__":
    try:
        found = corpus()
    except Unavailable as exc:
        print(f"camera photographs not fetched: {exc}", file=sys.stderr)
        sys.exit(0)
    print(f"{len(found)} camera photographs in {cache_dir()}")
