"""The same asset path with the bytes in S3, set by config only.

On moto's server over HTTP and on SeaweedFS, a real S3 server (``backend``).
"""

from __future__ import annotations

import hashlib

import pytest

from tests.assets.media_factory import make_jpeg, make_mp4
from tests.factories import Api, add_token, add_user


@pytest.fixture(params=["moto", "seaweedfs"])
def backend(request):
    """(app settings, bucket, plain client) of a fresh bucket on moto or SeaweedFS."""
    prefix = "s3" if request.param == "moto" else "seaweedfs"
    return (
        request.getfixturevalue(f"{prefix}_config"),
        request.getfixturevalue(f"{prefix}_bucket"),
        request.getfixturevalue(f"{prefix}_client"),
    )


def test_asset_path_on_s3(app_factory, backend):
    s3_config, s3_bucket, s3_client = backend
    app = app_factory(**s3_config, S3_PREFIX="inst")
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    photo = make_jpeg(1800, 1200)
    asset = api.upload(photo, "acto.jpg", credit="Prensa").get_json()
    assert asset["sha256"] == hashlib.sha256(photo).hexdigest()

    keys = {o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]}
    assert f"inst/originals/{asset['sha256'][:2]}/{asset['sha256'][2:4]}/{asset['sha256']}" in keys
    assert len(keys) == 3  # original, thumb, preview

    assert api.get(f"/assets/{asset['id']}/file").data == photo
    part = api.get(f"/assets/{asset['id']}/file", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == photo[100:200]
    assert api.get(f"/assets/{asset['id']}/renditions/thumb").mimetype == "image/webp"

    video = make_mp4(seconds=1.0)
    clip = api.upload(video, "clip.mp4").get_json()
    assert clip["kind"] == "video" and "preview" in clip["links"]["renditions"]

    assert api.delete(f"/assets/{asset['id']}").status_code == 204
    left = {o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket).get("Contents", [])}
    assert not any(asset["sha256"] in key for key in left)


def test_presigned_redirect_when_configured(app_factory, backend):
    import urllib.request

    s3_config = backend[0]
    app = app_factory(**s3_config, S3_PRESIGNED_DOWNLOADS=True)
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    photo = make_jpeg(300, 200)
    asset = api.upload(photo, "a.jpg").get_json()
    r = api.get(f"/assets/{asset['id']}/file")
    assert r.status_code == 302
    url = r.headers["Location"]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url) as resp:  # noqa: S310 - loopback S3 server
        assert resp.read() == photo


def test_an_unknown_checksum_mode_stops_the_start(tmp_path):
    from brandhub import create_app
    from brandhub.config import ConfigError

    with pytest.raises(ConfigError, match="BRANDHUB_S3_CHECKSUMS"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "S3_CHECKSUMS": "md5"})
