"""The building blocks of the applicant API's shapes: the fact number and typed decimal fields,
the strict serializer that names unknown keys, the list that documents its maximum length,
and `flatten_errors`, which turns DRF's nested errors into the contract's field paths.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.number_input import read_typed_number

from .. import limits

UNKNOWN_FIELD = "未知字段。"


@extend_schema_field(
    {"type": "number", "minimum": -limits.NUMBER_MAX, "maximum": limits.NUMBER_MAX}
)
class FactNumberField(serializers.Field):
    """A number of the facts, passed through for the engine to judge (numbers or numeric
    strings; the engine rejects NaN, infinity and negatives where the contract does). Numbers
    beyond ±limits.NUMBER_MAX are refused here."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict | list):
            raise serializers.ValidationError(limits.not_a_number_message())
        data, misgrouped = read_typed_number(data)  # 「380,000」, full-width digits
        if misgrouped:
            raise serializers.ValidationError(misgrouped)
        if limits.number_out_of_range(data):
            raise serializers.ValidationError(limits.out_of_range())
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class TypedDecimalField(serializers.DecimalField):
    """A decimal that also reads text as people type it (「86,000.00」, full-width digits)."""

    def to_internal_value(self, data: Any) -> Any:
        data, misgrouped = read_typed_number(data)
        if misgrouped:
            raise serializers.ValidationError(misgrouped)
        return super().to_internal_value(data)


class LimitedListSerializer(serializers.ListSerializer):
    """A list whose ``max_length`` is also a validator, so OpenAPI documents it (maxItems)."""

    def get_validators(self) -> list[Any]:
        validators = list(super().get_validators())
        if self.max_length is not None:
            validators.append(MaxLengthValidator(self.max_length))
        return validators


class StrictSerializer(serializers.Serializer):
    """Rejects keys it does not declare, naming them."""

    class Meta:
        list_serializer_class = LimitedListSerializer

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})
        return super().to_internal_value(data)


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as the contract's field paths (`energy.1.quantity`)."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix else name
            if prefix and name == "non_field_errors":
                path = prefix
            out.update(_merge(out, flatten_errors(value, path)))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        for index, item in enumerate(detail):
            if item:
                path = f"{prefix}.{index}" if prefix else str(index)
                out.update(_merge(out, flatten_errors(item, path)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [*into.get(k, []), *v] for k, v in more.items()}
