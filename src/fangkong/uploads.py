"""Photos uploaded as evidence (an inspection's finding, a rectification's proof): the one check of what a file
is before it is kept under MEDIA_ROOT. The name and the type the browser claims are not trusted: Pillow must
read the bytes as an image of an accepted format, and the file may not exceed FANGKONG_PHOTO_MAX_MB."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from fangkong.errors import Problems

# Pillow's format name -> the content type the photo is served with.
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A photo this many pixels across or more is a decompression bomb, not a phone's picture.
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class CheckedImage:
    upload: object  # the UploadedFile, read again when it is stored
    content_type: str
    extension: str
    size: int
    width: int
    height: int


def check_image(upload, field: str, problems: Problems) -> CheckedImage | None:
    """The photo when it is one; else None with the problem (not an image, a format not accepted, too large)."""
    limit = settings.PHOTO_MAX_MB * 1024 * 1024
    name = getattr(upload, "name", "") or "?"
    if upload.size > limit:
        problems.add(field, _("“%(name)s” is %(size).1f MB; a photo may be at most %(max)s MB")
                     % {"name": name, "size": upload.size / 1024 / 1024, "max": settings.PHOTO_MAX_MB})
        return None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise UnidentifiedImageError
            image.verify()  # reads the whole file: a truncated or forged one fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        problems.add(field, _("“%(name)s” is not a photo (JPEG, PNG or WebP)") % {"name": name})
        return None
    finally:
        upload.seek(0)
    if fmt not in ACCEPTED_FORMATS:
        problems.add(field, _("“%(name)s” is a %(format)s image; send a JPEG, PNG or WebP photo")
                     % {"name": name, "format": fmt})
        return None
    return CheckedImage(upload, ACCEPTED_FORMATS[fmt], EXTENSIONS[fmt], upload.size, width, height)
