"""Share links: making and revoking them (signed in), and their public pages at /s/<token>.

A public page needs no account. An unknown or revoked token answers 404, an
expired one 410 with a page that says so; a link with a password asks for it
first (attempts are limited per link) and remembers the answer in the
session. Pages and files under a link carry ``Referrer-Policy: no-referrer``
(the token is in the address) and ``X-Robots-Tag: noindex``. A view-only link
shows previews and refuses every download with 403. Every opening of the
page is logged, every download is logged with the link (``brandhub/tracking.py``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from assets.errors import InvalidInput
from core.errors import NotFound

from ..db import get_session
from ..forms import ShareForm, SharePasswordForm
from ..models import Asset, ShareLink
from ..operations.access import get_visible_asset
from ..operations.downloads import RESIZABLE
from ..operations.sets import COLLECTIONS, EVENTS
from ..operations.sharing import (
    can_manage_link,
    create_link,
    find_link,
    link_asset,
    link_assets,
    link_state,
    record_use,
    revoke_link,
    unlock,
)
from ..presets import presets
from ..ratelimit import hit_all, release_all, request_address, wait_text
from ..sending import send_rendition, send_zip
from ..services import storage
from ..tracking import download_context
from .context import paged
from .downloads import back_url
from .public_files import send_public_download, send_public_original
from .user import signed_in

bp = Blueprint("share", __name__)

#: Renditions a link shows even when it does not allow downloads.
SHOWN = ("thumb", "preview")
_UNLOCKED = "share_unlocked"
_PUBLIC = (
    "share.public",
    "share.unlock",
    "share.asset",
    "share.rendition",
    "share.original",
    "share.download",
    "share.zip",
)


@bp.after_request
def _private(response: Response) -> Response:
    if request.endpoint in _PUBLIC:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------- Making and revoking links (signed in) ----------


def _created(link: ShareLink, token: str, title: str, back: str) -> ResponseReturnValue:
    url = url_for("share.public", token=token, _external=True)
    page = render_template("share/created.html", link=link, url=url, title=title, back=back)
    return page, 200, {"Cache-Control": "no-store"}  # the only place the token is shown


def _create(target: Any, title: str, back: str) -> ResponseReturnValue:
    form = ShareForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "error")
            break
        return redirect(back)
    try:
        link, token = create_link(get_session(), signed_in(), target, form.to_fields())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return redirect(back)
    return _created(link, token, title, back)


@bp.post("/assets/<int:asset_id>/share")
@login_required
def create_for_asset(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), signed_in(), asset_id)
    return _create(asset, asset.title, url_for("web.asset_page", asset_id=asset.id))


@bp.post("/collections/<int:collection_id>/share")
@login_required
def create_for_collection(collection_id: int) -> ResponseReturnValue:
    found = COLLECTIONS.get_visible(get_session(), signed_in(), collection_id)
    return _create(found, found.title, url_for("collections.page", collection_id=found.id))


@bp.post("/events/<int:event_id>/share")
@login_required
def create_for_event(event_id: int) -> ResponseReturnValue:
    found = EVENTS.get_visible(get_session(), signed_in(), event_id)
    return _create(found, found.title, url_for("events.page", event_id=found.id))


@bp.post("/share/<int:link_id>/revoke")
@login_required
def revoke(link_id: int) -> ResponseReturnValue:
    db = get_session()
    user = signed_in()
    link = db.get(ShareLink, link_id)
    # Someone who may not manage a link learns nothing of it, not even that it exists.
    if link is None or not (can_manage_link(user, link.target) or link.created_by_id == user.id):
        raise NotFound()
    revoke_link(db, user, link)
    flash(_("The link was revoked: it no longer opens."), "success")
    return redirect(back_url(url_for("web.library")))


def share_panel(target: Any) -> dict[str, Any]:
    """What an event or collection page shows of its links (and of its press kit)."""
    from ..models import Event
    from ..operations.publication import kit_state
    from ..operations.sharing import links_for
    from .presskit import kit_ref

    manage = can_manage_link(signed_in(), target)
    if isinstance(target, Event):
        action = url_for("share.create_for_event", event_id=target.id)
    else:
        action = url_for("share.create_for_collection", collection_id=target.id)
    return {
        "manage": manage,
        "links": links_for(get_session(), target) if manage else [],
        "form": ShareForm(formdata=None) if manage else None,
        "action": action,
        "presskit": (
            url_for("presskit.kit", ref=kit_ref(target), _external=True) if target.public else None
        ),
        # What the event's kit shows of what the person sees: a public event whose
        # photos are not approved and public has an empty kit, and the page says so.
        "kit": kit_state(get_session(), signed_in(), target) if isinstance(target, Event) else None,
    }


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"share_panel": share_panel}


# ---------- Public pages ----------


def _unavailable(status: int, message: str) -> ResponseReturnValue:
    return render_template("share/unavailable.html", status=status, message=message), status


def _refuse(status: int, message: str) -> NoReturn:
    """Answer with the page saying why the link cannot be used (headers as for any page)."""
    abort(make_response(_unavailable(status, message)))


def _open(token: str) -> ShareLink:
    """The link of ``token`` if it may be used now; else the page saying why is the answer."""
    link = find_link(get_session(), token)
    state = link_state(link) if link is not None else "missing"
    if state == "expired":
        _refuse(410, _("This link has expired. Ask whoever sent it for a new one."))
    if link is None or state != "active":
        _refuse(404, _("This link does not exist or was revoked."))
    return link


def _unlocked(link: ShareLink) -> bool:
    return link.password_hash is None or link.id in session.get(_UNLOCKED, [])


def _usable(token: str) -> ShareLink:
    """As :func:`_open`, and a link with a password must have been unlocked."""
    link = _open(token)
    if not _unlocked(link):
        abort(redirect(url_for("share.public", token=token)))
    return link


def _downloadable(token: str) -> ShareLink:
    link = _usable(token)
    if not link.allow_download:
        _refuse(403, _("This link lets you see the files, not download them."))
    return link


def _render_link(link: ShareLink, token: str) -> ResponseReturnValue:
    db = get_session()
    if link.asset is not None:
        assets = link_assets(db, link)
        if not assets:
            return _unavailable(404, _("This file is not available at the moment."))
        return _render_asset(link, token, assets[0])
    assets = link_assets(db, link)
    shown, page, pages = paged(assets)
    return render_template(
        "share/set.html",
        link=link,
        token=token,
        target=link.target,
        kind=link.target_kind,
        assets=shown,
        total=len(assets),
        page=page,
        pages=pages,
    )


def _render_asset(link: ShareLink, token: str, asset: Asset) -> ResponseReturnValue:
    return render_template(
        "share/asset.html",
        link=link,
        token=token,
        asset=asset,
        single=link.asset is not None,
        presets=presets(current_app.config, asset.mime) if asset.kind in RESIZABLE else {},
    )


@bp.get("/s/<token>")
def public(token: str) -> ResponseReturnValue:
    link = _open(token)
    if not _unlocked(link):
        return render_template("share/password.html", form=SharePasswordForm(), token=token)
    record_use(get_session(), link, "open")
    return _render_link(link, token)


@bp.post("/s/<token>", endpoint="unlock")
def unlock_link(token: str) -> ResponseReturnValue:
    link = _open(token)
    form = SharePasswordForm()
    if not form.validate_on_submit():
        return render_template("share/password.html", form=form, token=token), 400
    # Per link from this address, and per link from everywhere (looser): reserved
    # before the password hash is checked, so concurrent guesses are counted first.
    limits = (("share-address", (link.id, request_address())), ("share-link", (link.id,)))
    wait = hit_all(*limits)
    if wait is not None:
        form.password.errors.append(
            _("Too many failed attempts. Try again in %(wait)s.", wait=wait_text(wait))
        )
        page = render_template("share/password.html", form=form, token=token)
        return page, 429, {"Retry-After": str(wait)}
    if not unlock(link, form.password.data or ""):
        record_use(get_session(), link, "denied")
        form.password.errors.append(_("The password is not right."))
        return render_template("share/password.html", form=form, token=token), 403
    release_all(*limits)  # the right password is not a failed attempt
    unlocked = [i for i in session.get(_UNLOCKED, []) if i != link.id][-49:]
    session[_UNLOCKED] = [*unlocked, link.id]
    return redirect(url_for("share.public", token=token))


@bp.get("/s/<token>/a/<int:asset_id>")
def asset(token: str, asset_id: int) -> ResponseReturnValue:
    link = _usable(token)
    return _render_asset(link, token, link_asset(get_session(), link, asset_id))


@bp.get("/s/<token>/a/<int:asset_id>/r/<name>")
def rendition(token: str, asset_id: int, name: str) -> ResponseReturnValue:
    link = _usable(token)
    if name not in SHOWN:
        raise NotFound()
    return send_rendition(storage(), link_asset(get_session(), link, asset_id), name)


@bp.get("/s/<token>/a/<int:asset_id>/file")
def original(token: str, asset_id: int) -> ResponseReturnValue:
    link = _downloadable(token)
    return send_public_original(link_asset(get_session(), link, asset_id), "share", link)


@bp.get("/s/<token>/a/<int:asset_id>/download")
def download(token: str, asset_id: int) -> ResponseReturnValue:
    link = _downloadable(token)
    return send_public_download(link_asset(get_session(), link, asset_id), "share", link)


@bp.get("/s/<token>/download.zip", endpoint="zip")
def zip_all(token: str) -> ResponseReturnValue:
    link = _downloadable(token)
    target = link.target
    download_context("share", link)
    return send_zip(
        link_assets(get_session(), link),
        request.args.get("preset"),
        getattr(target, "title", None) or "compartido",
    )
