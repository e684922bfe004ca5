"""Guizhou's nine prefecture-level divisions (GB/T 2260 codes)."""

from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

DIVISIONS: dict[str, tuple[str, str]] = {
    "520100": ("贵阳市", "Guiyang"),
    "520200": ("六盘水市", "Liupanshui"),
    "520300": ("遵义市", "Zunyi"),
    "520400": ("安顺市", "Anshun"),
    "520500": ("毕节市", "Bijie"),
    "520600": ("铜仁市", "Tongren"),
    "522300": ("黔西南布依族苗族自治州", "Qianxinan Buyei and Miao Autonomous Prefecture"),
    "522600": ("黔东南苗族侗族自治州", "Qiandongnan Miao and Dong Autonomous Prefecture"),
    "522700": ("黔南布依族苗族自治州", "Qiannan Buyei and Miao Autonomous Prefecture"),
}


def division_name(code: str | None) -> str:
    """Return the division's name in the current language, or the code if unknown."""
    if code not in DIVISIONS:
        return code or ""
    zh, en = DIVISIONS[code]
    locale = get_locale()
    return en if locale is not None and locale.language == "en" else zh


def division_choices() -> list[SelectChoice]:
    """Return the divisions as choices of a select field."""
    return [SelectChoice(code, division_name(code)) for code in DIVISIONS]
