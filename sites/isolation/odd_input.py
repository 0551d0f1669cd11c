"""Odd input is refused with a clear message in Russian before it reaches a view, instead of
failing deep inside with a server error.

* `RejectControlCharacters` (a middleware, right after SecurityMiddleware): a query string
  with a control character, or a form with a NUL in a field, is answered 400. PostgreSQL
  refuses NUL in any string (`/feed/?tag=%00` was a 500), SQLite's full-text search cuts
  its query at a NUL, and XML (the RSS feed) cannot carry control characters at all.
* `ImageForm` (WAGTAILIMAGES_IMAGE_FORM_BASE): an animated image counts the pixels of all
  its frames against WAGTAILIMAGES_MAX_IMAGE_PIXELS. Wagtail multiplies by Willow's frame
  count, which is always 1 with Pillow, so a large animated GIF passed as one frame.
"""

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, UnreadablePostError
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail.images.forms import BaseImageForm

# C0 control characters and DEL: no browser sends them in a link or a form's query string.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

BAD_REQUEST_MESSAGE = "В адресе запроса есть недопустимые символы."
BAD_FORM_MESSAGE = "В отправленных данных есть недопустимые символы."

BAD_REQUEST_PAGE = """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>Неверный запрос</title></head>
<body>
<h1>Неверный запрос</h1>
<p>{message}</p>
<p><a href="/">На главную страницу</a></p>
</body>
</html>
"""


def bad_request(message):
    return HttpResponseBadRequest(
        BAD_REQUEST_PAGE.format(message=escape(message)), content_type="text/html; charset=utf-8"
    )


def has_control_characters(querydict):
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in querydict.lists()
    )


def has_nul(querydict):
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


class RejectControlCharacters:
    """400 for a GET parameter (name or value) with a C0 control character or DEL, and for a
    POSTed form field (not a file) with a NUL. Form fields may hold newlines and tabs (a
    textarea does), so only NUL is refused there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.GET):
            return bad_request(BAD_REQUEST_MESSAGE)
        if request.method == "POST" and self.form_has_nul(request):
            return bad_request(BAD_FORM_MESSAGE)
        return self.get_response(request)

    def form_has_nul(self, request):
        # Only forms are parsed here (CsrfViewMiddleware parses them anyway); a JSON body
        # stays unread for the view. A body that cannot be read is the view's to report.
        content_type = request.content_type or ""
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return False
        try:
            return has_nul(request.POST)
        except UnreadablePostError:
            return False


# Images --------------------------------------------------------------------------------------

TOO_MANY_PIXELS = (
    "В этом файле слишком много пикселей (%(num_pixels)s во всех кадрах анимации, кадров: "
    "%(frames)s). Максимум пикселей %(max_pixels_count)s."
)


# Willow's names of the formats that may hold several frames (PNG: APNG).
ANIMATED_FORMATS = ("gif", "webp", "png")


def frame_count(uploaded_file):
    """The number of frames of an uploaded image (1 for a still one), read by Pillow without
    decoding the frames."""
    uploaded_file.seek(0)
    try:
        with PILImage.open(uploaded_file) as image:
            return getattr(image, "n_frames", 1)
    finally:
        uploaded_file.seek(0)


class ImageForm(BaseImageForm):
    """Wagtail's image form, with the pixels of every frame of an animated image counted
    against the limit (the admin's add, multiple add, chooser upload and edit views)."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        field = self.fields["file"]
        limit = getattr(field, "max_image_pixels", None)
        if not limit or "file" not in self.changed_data or not hasattr(uploaded, "image"):
            return uploaded
        if uploaded.image.format_name not in ANIMATED_FORMATS:
            return uploaded
        try:
            frames = frame_count(uploaded)
        except Exception as error:  # Pillow cannot read what Willow could: refuse it
            raise ValidationError(field.error_messages["invalid_image"], "invalid_image") from error
        width, height = uploaded.image.get_size()
        pixels = width * height * frames
        if frames > 1 and pixels > limit:
            raise ValidationError(
                TOO_MANY_PIXELS,
                code="file_too_many_pixels",
                params={"num_pixels": pixels, "frames": frames, "max_pixels_count": limit},
            )
        return uploaded
