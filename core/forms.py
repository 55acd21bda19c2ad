"""Form pieces every room's pages share. Forms parse input only; rules live in the services."""

from typing import Any

from django import forms

NOT_UTF8 = "The file is not UTF-8 text."


class Utf8FileField(forms.FileField):
    """An uploaded text file, cleaned to its text (UTF-8, with or without a byte-order mark, as
    spreadsheets save CSV)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None or upload is False:
            return upload
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(NOT_UTF8, code="not_utf8") from None


class PlainForm(forms.Form):
    """Labels without a trailing colon; they read better above the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
