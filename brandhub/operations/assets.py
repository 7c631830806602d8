"""Creating, changing and deleting assets: the database side of the path of a file.

``create_asset`` runs the domain pipeline (``assets.ingest.prepare`` then
``store``) and commits the row; if the commit fails, the bytes this call wrote
are deleted again (those no other row refers to: ``operations/files.py``), so
there is never a row without bytes, and bytes without a row are at most a
leftover for ``brandhub gc``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assets.errors import DuplicateAsset, InvalidInput
from assets.ingest import prepare, prepare_staged, store
from assets.resumable import Staged
from assets.settings import IngestSettings
from assets.storage import Storage

from .. import file_text, metrics
from ..models import Asset, Event, Tag, User
from .access import refuse_stored, require_edit, require_upload, resolve_agency
from .capture import apply_capture
from .compliance import check_upload, recategorise
from .files import commit_file, delete_unreferenced, stored_keys, take_file
from .review import TEXT_CHANGED, public_text, reopen_if_approved, text_changed
from .sets import EVENTS, require_manage

MAX_TAGS = 40


@dataclass
class AssetFields:
    """Editable descriptive fields; None means "leave as it is"."""

    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    credit: str | None = None
    caption: str | None = None
    copyright: str | None = None
    agency: str | None = None  # agency slug
    category: str | None = None  # piece category for the brand rules
    extra: dict[str, Any] = field(default_factory=dict)


def parse_tags(raw: str | Iterable[str] | None) -> list[str]:
    if raw is None:
        return []
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, None] = {}
    for item in items:
        name = " ".join(str(item).split()).strip().lower()[:80]
        if name:
            seen.setdefault(name, None)
    return list(seen)[:MAX_TAGS]


def tags_named(db: Session, names: list[str]) -> list[Tag]:
    """The tags of these names, made now for the ones that do not exist yet."""
    if not names:
        return []
    existing = {t.name: t for t in db.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name in existing:
            continue
        # Another request may create the same tag at this moment: a savepoint keeps
        # the unique-constraint loser's transaction alive, and it takes the winner's row.
        try:
            with db.begin_nested():
                tag = Tag(name=name)
                db.add(tag)
            existing[name] = tag
        except IntegrityError:
            existing[name] = db.scalars(select(Tag).where(Tag.name == name)).one()
    return [existing[name] for name in names]


def title_from_filename(filename: str) -> str:
    stem = PurePath(filename).stem.replace("_", " ").replace("-", " ").strip()
    return " ".join(stem.split())[:300] or "Sin título"


#: Words of a name a camera or a phone makes up (DSC_4600, IMG_20240312_103200, P1010001,
#: IMG-20240312-WA0001): with its digits, such a name says nothing about the picture.
_MADE_UP_WORD = re.compile(
    r"(?:dsc[nf]?|img|mg|pxl|dji|gopr|gp|vid|mvi|mov|sam|wa|p|photo|image|dcim|foto)?\d*"
    r"|cr[23]|nef|arw|dng|raf|orf|rw2|heic|jpe?g|edit(?:ed)?|copy"
)
#: A title made of a caption keeps at most this many words.
CAPTION_TITLE_WORDS = 10


def is_made_up_name(filename: str) -> bool:
    """Whether a file's name is a camera's counter rather than words a person chose."""
    stem = PurePath(filename).stem.lower()
    words = [w for w in re.split(r"[\s_\-.]+", stem) if w]
    return (
        bool(words)
        and any(c.isdigit() for c in stem)
        and all(_MADE_UP_WORD.fullmatch(w) for w in words)
    )


def caption_title(caption: str | None) -> str:
    """The first words of a caption, as a title: its first sentence, cut at a word."""
    text = " ".join((caption or "").split())
    if not text:
        return ""
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    words = sentence.split()
    if len(words) <= CAPTION_TITLE_WORDS:
        return sentence[:300]
    return " ".join(words[:CAPTION_TITLE_WORDS]).rstrip(",;:") + "…"


@dataclass(frozen=True)
class TitleSources:
    """What an upload's title may be made of, most deliberate first."""

    given: str | None  # what the uploader typed
    embedded: str | None  # the file's own title (XMP dc:title, IPTC ObjectName, a PDF's…)
    headline: str | None  # IPTC or XMP headline
    caption: str | None  # the caption typed or read from the file
    event: Event | None  # the event the file is archived into
    filename: str


def _photo_number(db: Session, event: Event, filename: str) -> str:
    """The camera's counter in ``filename`` (DSC_0046: "46"), or the photo's place in the event.

    The counter is the photographer's own reference, unique per camera and the same
    however many files go up at once; a phone's date and time (IMG_20240312_103200)
    is no counter, and the file then gets the next number of the event.
    """
    groups = re.findall(r"\d+", PurePath(filename).stem)
    if groups and len(groups[-1]) <= 6 and not (len(groups) > 1 and len(groups[0]) == 8):
        return groups[-1].lstrip("0") or "0"
    counted = 0
    if event.id is not None:
        counted = db.scalar(select(func.count(Asset.id)).where(Asset.event_id == event.id)) or 0
    return str(counted + 1)


def make_title(db: Session, sources: TitleSources) -> str:
    """The title a new asset gets.

    The uploader's title, else the file's own title or headline, else the first
    words of its caption; then its file name cleaned up ("logo-salud_2024.png":
    "logo salud 2024") unless the name is a camera's counter ("DSC_4600"), when
    the event's name and the photo's number ("Acto escolar · 4600") say more.
    A title that only repeats the file name (as some clients send) is no title,
    unless nothing better is known ("Plaza" typed for plaza.jpg keeps its capital).
    """
    filename = sources.filename
    given = (sources.given or "").strip()
    from_name = title_from_filename(filename)
    names = {filename.casefold(), PurePath(filename).stem.casefold(), from_name.casefold()}
    if given and given.casefold() not in names:
        return given[:300]
    for text in (sources.embedded, sources.headline):
        if text and text.strip() and text.strip().casefold() not in names:
            return " ".join(text.split())[:300]
    from_caption = caption_title(sources.caption)
    if from_caption:
        return from_caption
    if is_made_up_name(filename) and sources.event is not None:
        return f"{sources.event.title} · {_photo_number(db, sources.event, filename)}"[:300]
    return given[:300] or from_name  # "Plaza" typed for plaza.jpg keeps its capital


def _meta(info: Any, name: str) -> Any:
    value = getattr(info, name, None)
    if value is None and isinstance(getattr(info, "metadata", None), dict):
        value = info.metadata.get(name)
    return value


def create_asset(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    user: User,
    stream: BinaryIO | None,
    filename: str | None,
    fields: AssetFields,
    *,
    event: Event | None = None,
    compliance_blocks: bool = True,
    staged: Staged | None = None,
) -> Asset:
    """Ingest, check against the agency's brand, store and commit one upload.

    ``staged`` is a finished resumable upload instead of ``stream``: its bytes
    were hashed as they arrived, and on S3 they are already in the store,
    where the original stays (``assets.ingest.prepare_staged``).

    With ``event`` (which ``user`` must manage) the asset is archived into it in
    the same commit, filed under the event's agency unless another was asked
    for. Bytes already in the library raise ``DuplicateAsset``, after the asset
    holding them joins ``event`` when it is in none yet.
    """
    uploader = require_upload(user)
    if event is not None:
        require_manage(user, event)
        if not fields.agency:
            fields = replace(fields, agency=EVENTS.agency_for(uploader, event))
    agency = resolve_agency(db, uploader, fields.agency)
    try:
        if staged is not None:
            prepared = prepare_staged(staged, filename, settings, storage)
        elif stream is not None:
            prepared = prepare(stream, filename, settings)
        else:
            raise ValueError("create_asset needs a stream or a staged upload")
        with prepared:
            refuse_stored(db, user, prepared.sha256)
            given = {
                "credit": fields.credit,
                "copyright": fields.copyright,
                "caption": fields.caption,
                "keywords": parse_tags(fields.tags or ""),
                "title": fields.title,
            }
            checked = check_upload(
                db,
                storage,
                agency,
                prepared,
                fields.category,
                compliance_blocks,
                given,
                settings=settings,
            )
            written = store(prepared, storage)
            info = prepared.info
            keywords = _meta(info, "keywords") or []
            # Tags given with the upload are added to the file's own keywords, first so
            # that the MAX_TAGS cut never drops them.
            tag_names = parse_tags([*parse_tags(fields.tags), *parse_tags(keywords)])
            asset = Asset(
                kind=prepared.sniffed.kind,
                title=make_title(
                    db,
                    TitleSources(
                        given=fields.title,
                        embedded=info.title,
                        headline=file_text.headline(info.metadata),
                        caption=fields.caption or _meta(info, "caption"),
                        event=event,
                        filename=prepared.filename,
                    ),
                ),
                description=(fields.description or "").strip(),
                credit=(fields.credit or _meta(info, "credit") or "").strip()[:300],
                creator=(_meta(info, "creator") or "").strip()[:300],
                copyright=(fields.copyright or _meta(info, "copyright") or "").strip()[:300],
                caption=(fields.caption or _meta(info, "caption") or "").strip(),
                agency=agency,
                uploaded_by=uploader,
            )
            take_file(db, asset, prepared, settings.time_zone, checked)
            asset.tags = tags_named(db, tag_names)
            db.add(asset)
            if event is not None:
                asset.event = event
                apply_capture(asset, settings.time_zone)  # its clock read in the event's zone
            commit_file(db, storage, uploader, asset, prepared, written)
            metrics.uploaded(asset.kind, prepared.size)
    except DuplicateAsset as exc:
        if event is not None and exc.existing_id is not None:
            db.rollback()
            EVENTS.attach_existing(db, uploader, event, exc.existing_id)
        raise
    return asset


def update_asset(
    db: Session, user: User, asset: Asset, fields: AssetFields, storage: Storage | None = None
) -> Asset:
    """Change the descriptive fields; new public text of an approved asset goes to review.

    A new category (needs ``storage``) checks the piece again as that category.
    """
    require_edit(user, asset)
    before = public_text(asset)
    if fields.title is not None:
        title = fields.title.strip()
        if not title:
            raise InvalidInput("The title cannot be empty.", field="title")
        asset.title = title
    for name in ("description", "credit", "caption", "copyright"):
        value = getattr(fields, name)
        if value is not None:
            setattr(asset, name, value.strip())
    if fields.tags is not None:
        asset.tags = tags_named(db, parse_tags(fields.tags))
    if fields.agency is not None:
        asset.agency = resolve_agency(db, user, fields.agency)
        apply_capture(asset)  # its clock may now be read in another agency's zone
    if text_changed(before, asset):
        reopen_if_approved(db, user, asset, TEXT_CHANGED)
    if fields.category is not None and storage is not None:
        # "" asks for the category to be judged from the file again.
        recategorise(db, storage, asset, fields.category or None)
    db.commit()
    return asset


def delete_asset(db: Session, storage: Storage, user: User, asset: Asset) -> None:
    require_edit(user, asset)
    keys = stored_keys(asset)  # the original, renditions and earlier versions
    db.delete(asset)
    db.commit()
    # The row is gone first: bytes left behind by a failure here are only garbage.
    # Bytes another row still refers to (the same file as another asset's version) stay.
    delete_unreferenced(db, storage, keys)
