"""Identifier checks: unified social credit code (GB 32100-2015) and project code (GB/T 40058)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PROJECT_CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(
            "统一社会信用代码无效：应为18位（不含I、O、S、V、Z），且校验码符合GB 32100。",
            code="invalid_uscc",
        )


def validate_project_code(value: str) -> None:
    if not PROJECT_CODE_RE.match(value.strip()):
        raise ValidationError(
            "项目代码格式应为 NNNN-NNNNNN-NN-NN-NNNNNN（如 2611-320500-04-01-381276）。",
            code="invalid_project_code",
        )
