"""Form fields for numbers as people type them (「380,000」, full-width digits), read with the
one parser (common.numbers). Text inputs with a decimal keypad: <input type=number> would
refuse the separators before the server sees them."""

from __future__ import annotations

from typing import Any

from django import forms

from common.numbers import normalize_number


def decimal_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class TypedFloatField(forms.FloatField):
    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", decimal_input())
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        return super().to_python(normalize_number(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step attributes on a text input (they belong to type=number).
        return {
            k: v for k, v in super().widget_attrs(widget).items() if k not in ("min", "max", "step")
        }
