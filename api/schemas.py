"""Shapes shared by every router: the error body and the error responses each operation
declares (the schema then says what a client must expect, and schemathesis holds us to it)."""

from ninja import Schema


class Error(Schema):
    detail: str
    # Field name -> messages, for bad input (422) or a rule of the app refusing it (400).
    errors: dict[str, list[str]] = {}


READ_ERRORS = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
