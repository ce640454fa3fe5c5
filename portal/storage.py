"""Private files (licences, chat attachments): kept outside MEDIA_ROOT, never given a URL, read
only through permission-checked views that stream them. One class; each app keeps its files in
its own folder, through a module-level callable that its FileField (and migrations) name."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT/<folder>. The location is read from settings on each use,
    so tests can point it at a temporary folder."""

    def __init__(self, folder: str = ""):
        super().__init__()
        self.folder = folder

    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, self.folder)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")

    def deconstruct(self):
        return ("portal.storage.PrivateStorage", (self.folder,), {})


def messaging_storage():
    """Chat attachments (messaging.Message.attachment)."""
    return PrivateStorage("messaging")


def partners_storage():
    """Organisation licences (partners.Organisation.licence)."""
    return PrivateStorage("partners")
