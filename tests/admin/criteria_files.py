"""Criteria files for upload tests: the shipped ones, and new versions made from them."""

from certification.criteria.parsing import SHIPPED_CRITERIA_DIR


def shipped_text(category: str) -> str:
    """Return the shipped criteria file of a category."""
    return (SHIPPED_CRITERIA_DIR / f"{category}.toml").read_text(encoding="utf-8")


NEW_PREREQUISITE = """
[[prerequisite]]
code = "carbon_plan"
name_zh = "企业制定碳达峰行动方案"
name_en = "The company has a carbon-peaking action plan"
check = "reviewer"
"""


def lime_2026_2() -> str:
    """Return lime 2026.2: tighter energy and GWP, no kiln-gas indicator, one more check."""
    text = shipped_text("lime")
    text = text.replace('version = "2026.1"', 'version = "2026.2"')
    text = text.replace("[140, 125, 110]", "[135, 120, 105]")
    text = text.replace("[1190, 1071, 952]", "[1150, 1071, 940]")
    kiln = text.index('[[indicator]]\ncode = "kiln_co2_captured"')
    text = text[:kiln].rstrip() + "\n"
    first_indicator = text.index("[[indicator]]")
    return text[:first_indicator] + NEW_PREREQUISITE.lstrip() + "\n" + text[first_indicator:]


def cement_2026_2() -> str:
    """Return cement criteria 2026.2 with a stricter GWP threshold for two stars."""
    text = shipped_text("cement")
    assert "[735, 662, 588]" in text
    text = text.replace('version = "2026.1"', 'version = "2026.2"')
    return text.replace("[735, 662, 588]", "[735, 650, 588]")
