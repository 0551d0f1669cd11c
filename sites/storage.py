"""Uploads on S3-compatible storage (`MEDIA_STORAGE=s3`, configured in sites/settings/base.py).

Images are public objects with plain, stable URLs, since cached pages embed them. Documents
and anything else are private objects: they are read through the storage's credentials by
Wagtail's document serve view, which checks who may see them (sites/isolation/media.py).
"""

import posixpath

from storages.backends.s3 import S3Storage

# Wagtail's folders for original images and their renditions (AbstractImage.get_upload_to,
# AbstractRendition.get_upload_to). Documents go to "documents/".
PUBLIC_FOLDERS = ("original_images", "images")


class MediaStorage(S3Storage):
    """The bucket takes its configuration from the AWS_* settings, not from constructor
    arguments: Wagtail deletes files in a background task that rebuilds the storage from its
    deconstructed arguments, and those must not carry the credentials into the task queue."""

    # Unsigned URLs: a signed one expires, and pages embedding images are cached for hours.
    querystring_auth = False
    # Never replace an object under the same name: a new upload gets a name of its own.
    file_overwrite = False
    # Per object instead (get_object_parameters), whatever AWS_DEFAULT_ACL says.
    default_acl = None

    def is_public(self, name):
        """Is the object of this storage name (the location prefix included) public?
        Private unless it is in an image folder, so a new kind of upload stays private."""
        location = self.location.strip("/")
        if location:
            if not name.startswith(location + "/"):
                return False
            name = name[len(location) + 1 :]
        folder = posixpath.normpath(name).split("/", 1)[0]
        return folder in PUBLIC_FOLDERS

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        params["ACL"] = "public-read" if self.is_public(name) else "private"
        return params
