"""The WTForms forms of the pages and the API, by what they edit."""

from __future__ import annotations

from .assets import AssetMetaForm, UploadForm, form_errors
from .review import RightsForm, StatusForm, VersionForm
from .sets import BulkForm, CollectionForm, EventForm
from .sharing import ShareForm, SharePasswordForm

__all__ = [
    "AssetMetaForm",
    "BulkForm",
    "CollectionForm",
    "EventForm",
    "RightsForm",
    "SharePasswordForm",
    "ShareForm",
    "StatusForm",
    "UploadForm",
    "VersionForm",
    "form_errors",
]
