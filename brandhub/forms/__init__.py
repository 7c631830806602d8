"""The WTForms forms of the pages and the API, by what they edit."""

from __future__ import annotations

from .assets import AssetMetaForm, UploadForm
from .bulk import ActionForm, PublishForm
from .fields import first_error, form_errors
from .review import RightsForm, StatusForm, VersionForm
from .sets import BulkForm, EventForm, SetForm
from .sharing import ShareForm, SharePasswordForm

__all__ = [
    "ActionForm",
    "AssetMetaForm",
    "BulkForm",
    "EventForm",
    "PublishForm",
    "RightsForm",
    "SetForm",
    "SharePasswordForm",
    "ShareForm",
    "StatusForm",
    "UploadForm",
    "VersionForm",
    "first_error",
    "form_errors",
]
