"""Private files (licences): kept outside MEDIA_ROOT, never given a URL, read only through a
permission-checked view (partners.views.verification.licence_file)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under PARTNERS_PRIVATE_ROOT (default <project>/private_media).

    The location is read from settings on each use so tests can point it at a temporary folder.
    """

    @property
    def base_location(self):
        return getattr(settings, "PARTNERS_PRIVATE_ROOT", None) or os.path.join(
            settings.BASE_DIR, "private_media"
        )

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage
