"""One term for one thing: the Chinese catalogue names the procurement classes one way."""

from babel.messages.pofile import read_po

from greenbm.paths import PROJECT_ROOT

ZH_PO = PROJECT_ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_the_procurement_classes_are_always_bixuan_and_kexuan():
    with ZH_PO.open("rb") as fh:
        catalogue = read_po(fh)
    words = {}
    for message in catalogue:
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        if "强制类" in text:
            words[str(message.id)] = text
    assert words == {}, "use 必选类 / 可选类, never 强制类 / 非强制类"
