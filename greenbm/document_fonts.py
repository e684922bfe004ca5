"""Document fonts: small CJK faces cut once from the system's Noto CJK, so PDFs embed them fast.

A Noto CJK face holds some 65,000 glyphs. WeasyPrint subsets every embedded face on every
document, keeping glyph ids, so it walks all of them each time: about 40 ms a face, most of a
certificate's render. The faces cut here hold GB 2312's characters, Latin and the common
symbols (~14,000 glyphs with their layout variants), and are subset several times faster.
A character outside them (a rare one in a company name) still prints: the CSS family lists
name the full system face next, and Pango takes each character from the first face that has it.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

# Under the static folder, the only place the document fetcher reads from; not in git (the
# faces are cut from whatever Noto CJK the machine has, by `make install`).
FONTS_FOLDER = "fonts"


@dataclass(frozen=True)
class DocumentFace:
    """One cut face: the CSS family it is declared as, the system face it is cut from."""

    family: str
    weight: int
    source: str  # a fontconfig pattern
    source_family: str  # what fc-match must report, or the machine lacks the face
    file_name: str


SANS = DocumentFace(
    "GBM Sans SC", 400, "Noto Sans CJK SC:style=Regular", "Noto Sans CJK SC", "gbm-sans-sc.otf"
)
SANS_BOLD = DocumentFace(
    "GBM Sans SC", 700, "Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "gbm-sans-sc-bold.otf"
)
SERIF_BOLD = DocumentFace(
    "GBM Serif SC",
    700,
    "Noto Serif CJK SC:style=Bold",
    "Noto Serif CJK SC",
    "gbm-serif-sc-bold.otf",
)
FACES = (SANS, SANS_BOLD, SERIF_BOLD)

# Whole Unicode blocks kept besides GB 2312: Latin, punctuation, sub- and superscripts
# (CO₂), letterlike symbols (℃, №), arrows, enclosed numbers, shapes, stars, CJK punctuation
# and the full-width forms. Code points a face lacks are skipped by the subsetter.
BLOCKS = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x2000, 0x214F),
    (0x2190, 0x21FF),
    (0x2460, 0x24FF),
    (0x2500, 0x26FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


def repertoire() -> str:
    """Return every character the cut faces keep: GB 2312 and the blocks above."""
    chars = {chr(code) for start, end in BLOCKS for code in range(start, end + 1)}
    # GB 2312's two-byte rows 0xA1-0xF7, cells 0xA1-0xFE: its 6,763 hanzi and 682 symbols.
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


def fonts_dir(static_dir: str | Path) -> Path:
    """Return the folder, inside the static folder, where the cut faces live."""
    return Path(static_dir) / FONTS_FOLDER


def _source_file(face: DocumentFace) -> tuple[str, int] | None:
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{family}\n%{file}\n%{index}", face.source],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    # fc-match always answers with something: a fallback face means the real one is missing.
    if len(found) != 3 or face.source_family not in found[0].split(","):
        return None
    return found[1], int(found[2])


def build_document_fonts(static_dir: str | Path, *, force: bool = False) -> list[str]:
    """Cut each missing face into the static fonts folder; return one line per face."""
    if shutil.which("hb-subset") is None:
        return [
            "hb-subset (Debian: libharfbuzz-bin) is not installed: documents embed the full "
            "Noto CJK faces, which is correct but slower."
        ]
    folder = fonts_dir(static_dir)
    folder.mkdir(parents=True, exist_ok=True)
    report = []
    with tempfile.TemporaryDirectory() as scratch:
        text_file = Path(scratch) / "repertoire.txt"
        text_file.write_text(repertoire(), encoding="utf-8")
        for face in FACES:
            target = folder / face.file_name
            if target.exists() and not force:
                report.append(f"{face.file_name}: present")
                continue
            source = _source_file(face)
            if source is None:
                report.append(f"{face.file_name}: {face.source_family} is not installed")
                continue
            # Written beside the target and renamed, so a render never reads half a file.
            partial = Path(scratch) / face.file_name
            subprocess.run(
                [
                    "hb-subset",
                    f"--face-index={source[1]}",
                    f"--text-file={text_file}",
                    f"--output-file={partial}",
                    source[0],
                ],
                check=True,
                timeout=300,
            )
            shutil.copyfile(partial, target.with_suffix(".part"))
            os.replace(target.with_suffix(".part"), target)
            report.append(f"{face.file_name}: cut from {source[0]} ({target.stat().st_size} bytes)")
    return report


@dataclass(frozen=True)
class DocumentFonts:
    """What a printed template needs: the @font-face rules and the family lists to use."""

    rules: Markup
    sans: Markup
    serif_bold: Markup


def document_fonts(static_dir: str | Path) -> DocumentFonts:
    """Return the font rules for a document: the cut faces first where they exist."""
    folder = fonts_dir(static_dir)
    present = {face: (folder / face.file_name).is_file() for face in FACES}
    # Declared only when the file is there: the document fetcher fails a render on a missing
    # file, and without the cut face the full system face alone gives the same page.
    rules = Markup("\n").join(
        Markup('@font-face {{ font-family: "{}"; font-weight: {}; src: url("{}/{}"); }}').format(
            face.family, face.weight, FONTS_FOLDER, face.file_name
        )
        for face in FACES
        if present[face]
    )

    def families(face: DocumentFace, *fallbacks: str) -> Markup:
        # A family is named only when all its weights are cut: with the bold missing, bold
        # text would be a regular face thickened by the renderer, not the system's bold.
        whole = all(present[f] for f in FACES if f.family == face.family)
        names = ([face.family] if whole else []) + [face.source_family, *fallbacks]
        return Markup(", ").join(Markup('"{}"').format(name) for name in names)

    return DocumentFonts(
        rules=rules,
        sans=families(SANS, "DejaVu Sans") + Markup(", sans-serif"),
        serif_bold=families(SERIF_BOLD, "DejaVu Serif") + Markup(", serif"),
    )


def main() -> None:
    """Cut the missing document faces into the project's static folder (`make install`)."""
    from greenbm.paths import STATIC_DIR

    for line in build_document_fonts(STATIC_DIR):
        print(f"document fonts: {line}")


if __name__ == "__main__":
    main()
