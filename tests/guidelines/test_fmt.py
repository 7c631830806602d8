"""Numbers written the Spanish way in report messages."""

from __future__ import annotations

import pytest

from guidelines import fmt


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fmt.num(2.4, 2), "2,40"),
        (lambda: fmt.num(1.6, 2), "1,60"),
        (lambda: fmt.num(6000), "6000"),
        (lambda: fmt.num(12345), "12.345"),
        (lambda: fmt.num(-23, 1), "-23,0"),
        (lambda: fmt.num(-0.01, 1), "0,0"),
        (lambda: fmt.trim(29.97), "29,97"),
        (lambda: fmt.trim(25.0), "25"),
        (lambda: fmt.size(1080, 1350), "1080 × 1350 px"),
        (lambda: fmt.megabytes(12_400_000), "12,4 MB"),
        (lambda: fmt.megabytes(5_000_000), "5 MB"),
        (lambda: fmt.megabytes(45_300), "45 KB"),
        (lambda: fmt.percent(0.123), "12 %"),
        (lambda: fmt.seconds(75.5), "1 min 15,5 s"),
        (lambda: fmt.seconds(8), "8 s"),
        (lambda: fmt.word_list(["JPEG", "PNG", "WebP"], "o"), "JPEG, PNG o WebP"),
        (lambda: fmt.sizes([(1080, 1080), (1200, 628)]), "1080 × 1080 px o 1200 × 628 px"),
    ],
)
def test_spanish_formatting(call, expected: str) -> None:
    assert call() == expected
