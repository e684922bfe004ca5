"""Evidence PDFs with actions: only a jump inside the document is accepted, every other action
(web address, another file, a UNC path, printing, scripts) is refused wherever it sits."""

from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

import catalog.evidence
from catalog.evidence import pdf_problem
from greenbm.errors import Invalid
from tests.security.test_uploads import (
    ACTIONS_MESSAGE,
    _action,
    _blank,
    _files_under,
    _store,
    _written,
    js_in_names_tree,
    owner,  # noqa: F401 (a fixture the tests below take by name)
)


def _open_action(action: DictionaryObject) -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def _annotated(writer: PdfWriter, **entries) -> PdfWriter:
    """Add a Link annotation with the given entries to the first page."""
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 30)]),
        }
    )
    for key, value in entries.items():
        annotation[NameObject("/" + key)] = value
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return writer


def uri_open_action() -> bytes:
    return _open_action(_action("/URI", URI="https://evil.example/track"))


def unc_goto_remote() -> bytes:
    action = _action("/GoToR", F="\\\\host\\share\\x.pdf")
    action[NameObject("/D")] = ArrayObject([NumberObject(0), NameObject("/Fit")])
    return _open_action(action)


def named_print() -> bytes:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Named"), NameObject("/N"): NameObject("/Print")}
    )
    return _open_action(action)


def launch() -> bytes:
    return _open_action(_action("/Launch", F="cmd.exe"))


def link_with_uri() -> bytes:
    return _written(_annotated(_blank(), A=_action("/URI", URI="https://evil.example/")))


def link_with_submit_form() -> bytes:
    return _written(_annotated(_blank(), A=_action("/SubmitForm", F="https://evil.example/")))


def page_additional_uri() -> bytes:
    writer = _blank()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/URI", URI="https://evil.example/")}
    )
    return _written(writer)


def goto_followed_by_named_print() -> bytes:
    """A harmless jump whose /Next action prints."""
    writer = _blank()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
            NameObject("/Next"): DictionaryObject(
                {NameObject("/S"): NameObject("/Named"), NameObject("/N"): NameObject("/Print")}
            ),
        }
    )
    return _written(_annotated(writer, A=action))


ACTION_PDFS = {
    "URI open action": uri_open_action,
    "GoToR with a UNC path": unc_goto_remote,
    "Named Print open action": named_print,
    "Launch open action": launch,
    "JavaScript in the names tree": js_in_names_tree,
    "Link annotation with a URI": link_with_uri,
    "Link annotation that submits a form": link_with_submit_form,
    "page /AA with a URI": page_additional_uri,
    "GoTo then Named Print": goto_followed_by_named_print,
}


@pytest.mark.parametrize("build", ACTION_PDFS.values(), ids=ACTION_PDFS.keys())
def test_a_pdf_with_an_action_is_refused_and_nothing_is_stored(app, session, owner, build):  # noqa: F811
    with pytest.raises(Invalid) as refused:
        _store(app, session, owner, build())
    assert refused.value.errors == {"file": [ACTIONS_MESSAGE]}
    assert _files_under(Path(app.config["EVIDENCE_DIR"])) == []


def internal_link() -> bytes:
    writer = _blank()
    writer.add_blank_page(width=595, height=842)
    target = ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
    action = DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): target})
    return _written(_annotated(writer, A=action))


def internal_destination_link() -> bytes:
    writer = _blank()
    target = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    return _written(_annotated(writer, Dest=target))


def goto_open_action() -> bytes:
    writer = _blank()
    target = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    action = DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): target})
    return _open_action(action)


@pytest.mark.parametrize(
    "build",
    [internal_link, internal_destination_link, goto_open_action],
    ids=["Link with a GoTo action", "Link with a destination", "GoTo open action"],
)
def test_a_pdf_that_only_jumps_inside_itself_is_accepted(app, session, owner, build):  # noqa: F811
    assert _store(app, session, owner, build()).id is not None


def test_a_pdf_with_more_objects_than_the_limit_is_refused(app, monkeypatch):
    # The real limit (tens of thousands) over a tiny PDF with a limit of 5 shows the same check.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert pdf_problem(internal_link()) is None
        monkeypatch.setattr(catalog.evidence, "MAX_PDF_OBJECTS", 5)
        assert pdf_problem(internal_link()).startswith("The PDF has too many parts to be checked.")


def test_a_pdf_beyond_pypdfs_own_limits_is_refused_as_too_large(app):
    writer = _blank()
    writer._root_object[NameObject("/Many")] = ArrayObject([NumberObject(0)] * 200_000)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert pdf_problem(_written(writer)).startswith("The PDF has too many parts")
