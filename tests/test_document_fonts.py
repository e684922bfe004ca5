"""Document fonts: what the cut faces keep, how they are built, what a template is given."""

import os

import pytest
from fontTools.ttLib import TTFont

from greenbm import document_fonts as fonts
from greenbm.document_fonts import (
    FACES,
    build_document_fonts,
    document_fonts,
    fonts_dir,
    repertoire,
)


@pytest.mark.parametrize(
    ("char", "kept"),
    [
        ("黔", True),  # GB 2312 level 2
        ("贵", True),  # GB 2312 level 1
        ("水", True),
        ("★", True),
        ("☆", True),
        ("℃", True),
        ("₂", True),  # CO₂ (kept if a face has it; Noto CJK has not)
        ("³", True),  # m³
        ("·", True),  # P·O 42.5
        ("（", True),
        ("A", True),
        ("é", True),
        ("堃", False),  # not in GB 2312: printed from the full face
        ("喆", False),
        ("😀", False),
    ],
)
def test_repertoire(char, kept):
    assert (char in repertoire()) is kept


def test_repertoire_holds_every_gb2312_hanzi():
    hanzi = [c for c in repertoire() if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) == 6763


def test_without_cut_faces_a_template_names_only_the_system_faces(tmp_path):
    given = document_fonts(tmp_path)
    assert given.rules == ""
    assert given.sans.startswith('"Noto Sans CJK SC"')
    assert given.serif_bold.startswith('"Noto Serif CJK SC"')


def test_only_the_faces_present_are_declared(tmp_path):
    fonts_dir(tmp_path).mkdir()
    for face in (fonts.SANS, fonts.SANS_BOLD):
        (fonts_dir(tmp_path) / face.file_name).write_bytes(b"x")
    given = document_fonts(tmp_path)
    assert f'src: url("fonts/{fonts.SANS.file_name}")' in given.rules
    assert f'font-weight: 700; src: url("fonts/{fonts.SANS_BOLD.file_name}")' in given.rules
    assert fonts.SERIF_BOLD.file_name not in given.rules
    assert given.sans.startswith('"GBM Sans SC", "Noto Sans CJK SC"')
    assert given.serif_bold.startswith('"Noto Serif CJK SC"')


def test_a_family_missing_its_bold_is_not_named(tmp_path):
    # Bold text would otherwise be the regular cut face thickened, not the system's bold.
    fonts_dir(tmp_path).mkdir()
    (fonts_dir(tmp_path) / fonts.SANS.file_name).write_bytes(b"x")
    assert document_fonts(tmp_path).sans.startswith('"Noto Sans CJK SC"')


def test_the_cut_faces_map_the_repertoire_and_are_small(cut_fonts_static):
    sample = "贵州黔峰水泥有限责任公司绿色建材产品认证证书★☆℃³·（）AZaz09"
    for face in FACES:
        font = TTFont(fonts_dir(cut_fonts_static) / face.file_name)
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in sample), face.file_name
        assert ord("堃") not in cmap
        # The full faces hold 65,535 glyphs; what makes the cut ones fast is holding far fewer.
        assert font["maxp"].numGlyphs < 20_000


def test_a_second_build_keeps_the_faces_it_finds(cut_fonts_static):
    before = {f.file_name: os.stat(fonts_dir(cut_fonts_static) / f.file_name) for f in FACES}
    report = build_document_fonts(cut_fonts_static)
    assert report == [f"{face.file_name}: present" for face in FACES]
    for face in FACES:
        after = os.stat(fonts_dir(cut_fonts_static) / face.file_name)
        assert after.st_mtime_ns == before[face.file_name].st_mtime_ns


def test_without_hb_subset_the_build_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    report = build_document_fonts(tmp_path)
    assert len(report) == 1 and "libharfbuzz-bin" in report[0]
    assert not fonts_dir(tmp_path).exists()


def test_a_missing_system_face_is_reported_not_faked(tmp_path, monkeypatch, cut_fonts_static):
    absent = fonts.DocumentFace("X", 400, "No Such Face SC", "No Such Face SC", "x.otf")
    monkeypatch.setattr(fonts, "FACES", (absent,))
    assert build_document_fonts(tmp_path) == ["x.otf: No Such Face SC is not installed"]
    assert not (fonts_dir(tmp_path) / "x.otf").exists()
