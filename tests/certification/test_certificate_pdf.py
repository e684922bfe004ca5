"""Certificate PDFs: content, embedded CJK font, escaping, what reaches the fetcher, signatures."""

import os
import re
import stat
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from certification.certificates.pdf import certificate_view, render_certificate_pdf
from certification.certificates.signing import (
    SIGNER_CN,
    SigningError,
    SigningIdentity,
    ensure_signing_identity,
    load_signer,
    sign_pdf,
    verify_pdf_signature,
)
from greenbm.paths import STATIC_DIR
from greenbm.pdf import StaticOnlyFetcher

BASE_URL = "https://greenbm.example.cn"
VERIFY_URL = f"{BASE_URL}/verify/GZGBM-2026-CEM-000123"  # the sample's number
HOSTILE = '<img src="file:///etc/passwd">'


def sample_context(**changes) -> dict:
    """Return a complete certificate context, as the workflow will build it."""
    context = {
        "number": "GZGBM-2026-CEM-000123",
        "stars": 3,
        "status": "valid",
        "holder_name_zh": "贵州黔峰水泥有限责任公司",
        "holder_name_en": "Guizhou Qianfeng Cement Co., Ltd.",
        "holder_address": "贵州省贵阳市观山湖区林城西路 88 号",
        "holder_credit_code": "91520100MA6DK0XX1Q",
        "manufacturer_name_zh": "贵州黔峰水泥有限责任公司",
        "manufacturer_address": "贵州省贵阳市观山湖区林城西路 88 号",
        "factory_name": "贵州黔峰水泥有限责任公司修文工厂",
        "factory_address": "贵州省贵阳市修文县扎佐镇工业园区 1 号",
        "product_name_zh": "普通硅酸盐水泥",
        "product_name_en": "Ordinary Portland cement",
        "series": "黔峰牌",
        "model_spec": "P·O 42.5",
        "category_name_zh": "水泥",
        "category_name_en": "Cement",
        "standard": "绿色建材评价 水泥 (criteria 2026.1)",
        "certification_mode": "文件审核 + 初始工厂检查 + 产品抽样检测 + 获证后监督",
        "gwp_a1a3": 812.4,
        "declared_unit": "t",
        "gwp_provenance": "verified_epd",
        "issued_on": date(2026, 3, 1),
        "valid_until": date(2031, 2, 28),
        "change_date": None,
        "body_name_zh": "贵州省绿色建材认证中心",
        "body_name_en": "Guizhou Green Building Material Certification Centre",
    }
    context.update(changes)
    return context


def pdf_text(data: bytes) -> str:
    """Return the text of every page, whitespace removed (CJK extraction spaces it unevenly)."""
    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_certificate_pdf(
        sample_context(), static_dir=str(STATIC_DIR), verify_url=VERIFY_URL
    )


@pytest.fixture(scope="module")
def identity(tmp_path_factory) -> SigningIdentity:
    return ensure_signing_identity(str(tmp_path_factory.mktemp("instance")))


@pytest.fixture(scope="module")
def signed(rendered, identity) -> bytes:
    return sign_pdf(rendered, identity, reason="Certificate GZGBM-2026-CEM-000123")


# --- content -------------------------------------------------------------------------------


def test_certificate_is_one_a4_page(rendered):
    reader = PdfReader(BytesIO(rendered))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_text_shows_number_product_holder_and_the_other_fields(rendered):
    text = pdf_text(rendered)
    context = sample_context()
    for key in (
        "number",
        "product_name_zh",
        "product_name_en",
        "holder_name_zh",
        "holder_name_en",
        "holder_credit_code",
        "factory_name",
        "factory_address",
        "standard",
        "certification_mode",
        "body_name_zh",
    ):
        assert squashed(context[key]) in text, key
    assert "绿色建材产品认证证书" in text
    assert squashed("Green Building Material Product Certificate") in text
    assert "★★★" in text and "三星级" in text and "Threestars" in text
    assert "812.4" in text and "kgCO2e/t" in text
    assert "经第三方验证的环境产品声明（EPD）" in text and "Third-partyverifiedEPD" in text
    assert "2026年3月1日" in text and "2031年2月28日" in text
    assert squashed(VERIFY_URL) in text


def embedded_fonts(data: bytes) -> set[str]:
    """Return the base names (subset tag and dashes removed) of the fonts embedded on page 1."""
    reader = PdfReader(BytesIO(data))
    names = set()
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            names.add(str(font["/BaseFont"]).split("+")[-1].replace("-", ""))
    return names


def cjk_fonts(data: bytes) -> set[str]:
    return {name for name in embedded_fonts(data) if re.search(r"CJK|SC", name)}


def test_without_cut_faces_the_full_cjk_faces_are_embedded(tmp_path):
    data = render_certificate_pdf(sample_context(), static_dir=str(tmp_path), verify_url=VERIFY_URL)
    assert cjk_fonts(data) == {"NotoSansCJKSC", "NotoSerifCJKSCBold"}
    assert squashed(sample_context()["product_name_zh"]) in pdf_text(data)


def test_the_cut_faces_replace_the_full_ones(cut_fonts_static):
    # A full face costs ~40 ms of subsetting per document and ~90 kB of PDF more.
    data = render_certificate_pdf(
        sample_context(), static_dir=str(cut_fonts_static), verify_url=VERIFY_URL
    )
    assert cjk_fonts(data) == {"GBMSansSC", "GBMSerifSCBold"}
    text = pdf_text(data)
    assert "绿色建材产品认证证书" in text and "★★★" in text and "kgCO2e/t" in text
    assert squashed(sample_context()["holder_name_zh"]) in text


def test_a_character_outside_the_cut_faces_prints_from_the_full_face(cut_fonts_static):
    # 堃 and 喆 are not in GB 2312 but do appear in company names.
    context = sample_context(holder_name_zh="贵州堃喆建材有限公司")
    data = render_certificate_pdf(context, static_dir=str(cut_fonts_static), verify_url=VERIFY_URL)
    assert "贵州堃喆建材有限公司" in pdf_text(data)
    assert {"GBMSansSC", "NotoSansCJKSC"} <= cjk_fonts(data)


def test_hostile_product_text_prints_as_text_and_is_never_fetched(monkeypatch):
    calls: list[str] = []
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    context = sample_context(
        product_name_zh=HOSTILE,
        product_name_en=HOSTILE,
        holder_name_en='<link rel="stylesheet" href="http://example.com/x.css">',
        series="<style>@import url(file:///etc/passwd);</style>",
        declared_unit="m^3",
        stars=1,
        change_date=date(2027, 6, 1),
    )
    data = render_certificate_pdf(context, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL)
    text = pdf_text(data)
    assert squashed(HOSTILE) in text
    assert squashed('<link rel="stylesheet" href="http://example.com/x.css">') in text
    assert "m³" in text and "★☆☆" in text and "一星级" in text and "2027年6月1日" in text
    assert calls, "the QR code should have gone through the fetcher as a data: URI"
    # Besides the QR code, only the cut document faces, on a process's first document.
    fonts = (STATIC_DIR / "fonts").as_uri() + "/"
    assert all(url.startswith(("data:", fonts)) for url in calls), calls
    assert not any("passwd" in url or "example.com" in url for url in calls)


def test_watermark_marks_a_certificate_that_is_not_valid():
    data = render_certificate_pdf(
        sample_context(status="revoked"), static_dir=str(STATIC_DIR), verify_url=VERIFY_URL
    )
    assert "撤销" in pdf_text(data) and "REVOKED" in pdf_text(data)


LONG_ADDRESS = (
    "贵州省黔南布依族苗族自治州都匀市经济开发区绿色建材产业园区创新大道 1888 号综合楼 3 层 301 室"
)


def test_long_content_still_fits_on_one_page():
    context = sample_context(
        holder_address=LONG_ADDRESS,
        manufacturer_address=LONG_ADDRESS,
        factory_address=LONG_ADDRESS,
        product_name_en="Ordinary Portland cement for general construction, bagged and in bulk",
        change_date=date(2027, 1, 1),
    )
    data = render_certificate_pdf(context, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL)
    assert len(PdfReader(BytesIO(data)).pages) == 1
    assert squashed(LONG_ADDRESS) in pdf_text(data)


def test_content_too_long_for_one_page_is_refused():
    context = sample_context(holder_address=LONG_ADDRESS * 8)
    with pytest.raises(ValueError, match="does not fit on one A4 page"):
        render_certificate_pdf(context, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL)


def test_optional_text_may_be_empty():
    context = sample_context(
        holder_name_en=None, holder_address="", series="", model_spec=None, body_name_en=""
    )
    data = render_certificate_pdf(context, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL)
    assert "—/—" in pdf_text(data)  # series / model, unknown


def test_view_rejects_bad_context():
    with pytest.raises(ValueError, match="stars"):
        certificate_view(sample_context(stars=4), verify_url=VERIFY_URL)
    with pytest.raises(ValueError, match="holder_credit_code"):
        certificate_view(sample_context(holder_credit_code=None), verify_url=VERIFY_URL)
    with pytest.raises(ValueError, match="gwp_provenance"):
        certificate_view(sample_context(gwp_provenance="guess"), verify_url=VERIFY_URL)


def test_view_has_qr_and_both_provenance_labels():
    view = certificate_view(
        sample_context(gwp_provenance="default_factor", declared_unit="m^2"),
        verify_url=VERIFY_URL,
    )
    assert view["verify_url"] == "https://greenbm.example.cn/verify/GZGBM-2026-CEM-000123"
    assert (view["verify_url_site"], view["verify_url_path"]) == (
        "https://greenbm.example.cn",
        "/verify/GZGBM-2026-CEM-000123",
    )
    assert view["qr_data_uri"].startswith("data:image/svg+xml")
    assert view["provenance_en"] == "Default factor (GB/T 51366)"
    assert view["provenance_zh"].startswith("缺省排放因子")
    assert "m²" in str(view["gwp_unit"])


# --- signatures ------------------------------------------------------------------------------


def test_signature_validates(signed, identity):
    check = verify_pdf_signature(signed, identity)
    assert check.intact and check.valid and check.covers_whole_file and check.ok, check
    assert check.signer == SIGNER_CN
    # Signing must not disturb what the certificate says.
    assert "GZGBM-2026-CEM-000123" in pdf_text(signed)


def test_later_signatures_reuse_the_first_ones_room_and_sign_once(rendered, tmp_path, monkeypatch):
    identity = ensure_signing_identity(str(tmp_path))  # a signer this process has not used
    signer = load_signer(identity)
    dry_runs: list[bool] = []
    real_sign = type(signer).async_sign

    async def counting_sign(self, *args, **kwargs):
        dry_runs.append(bool(kwargs.get("dry_run")))
        return await real_sign(self, *args, **kwargs)

    monkeypatch.setattr(type(signer), "async_sign", counting_sign)
    first = sign_pdf(rendered, identity, reason="first")
    assert dry_runs == [True, False]  # pyHanko measures the room once
    dry_runs.clear()
    later = [sign_pdf(rendered, identity, reason=f"later {n}") for n in range(3)]
    assert dry_runs == [False, False, False]
    for data in (first, *later):
        check = verify_pdf_signature(data, identity)
        assert check.ok and check.covers_whole_file, check
    assert _contents_length(later[0]) == _contents_length(first)


def _contents_length(data: bytes) -> int:
    return len(re.search(rb"/Contents\s*<([0-9a-fA-F]*)>", data)[1])


def _signed_range(data: bytes) -> tuple[int, int]:
    # /ByteRange [0 a b c]: bytes 0..a and b..b+c are signed; a..b is the signature itself.
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match, "no /ByteRange in the signed PDF"
    return int(match[1]), int(match[2])


@pytest.mark.parametrize("where", ["header", "middle"])
def test_signature_breaks_when_a_signed_byte_changes(signed, identity, where):
    start, length = _signed_range(signed)
    # "header": the binary comment on line 2, which keeps the file parseable, so only the hash
    # can catch it; "middle": a byte inside the page content, wherever it lands.
    index = signed.index(b"\n", 1) + 2 if where == "header" else start + length // 2
    assert start <= index < start + length
    tampered = bytearray(signed)
    tampered[index] ^= 0x01
    check = verify_pdf_signature(bytes(tampered), identity)
    assert not check.valid
    assert not check.intact or check.problem
    if where == "header":
        assert check.intact is False and not check.problem


def test_bytes_appended_after_the_signature_are_noticed(signed, identity):
    check = verify_pdf_signature(signed + b"\n%appended\n", identity)
    assert check.intact and not check.covers_whole_file and not check.ok


def test_signature_from_another_key_is_not_trusted(signed, tmp_path):
    other = ensure_signing_identity(str(tmp_path))
    check = verify_pdf_signature(signed, other)
    assert check.intact and not check.valid


def test_unsigned_pdf_is_reported(rendered, identity):
    check = verify_pdf_signature(rendered, identity)
    assert not check.valid and check.problem


def test_generated_identity_is_private_and_made_once(tmp_path):
    identity = ensure_signing_identity(str(tmp_path))
    assert identity.key_path.parent == tmp_path / "signing"
    assert stat.S_IMODE(os.stat(identity.key_path).st_mode) == 0o600
    key_before = identity.key_path.read_bytes()
    assert ensure_signing_identity(str(tmp_path)) == identity
    assert identity.key_path.read_bytes() == key_before

    cert = x509.load_pem_x509_certificate(identity.cert_path.read_bytes())
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SIGNER_CN
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3654)


def _write_pair(directory: Path, common_name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC) - timedelta(minutes=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{common_name}.key", directory / f"{common_name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_configured_key_and_certificate_are_used(rendered, tmp_path):
    key_path, cert_path = _write_pair(tmp_path, "Configured Test Signer")
    instance = tmp_path / "instance"
    identity = ensure_signing_identity(
        str(instance), key_path=str(key_path), cert_path=str(cert_path)
    )
    assert identity == SigningIdentity(key_path, cert_path)
    assert not (instance / "signing").exists()
    check = verify_pdf_signature(sign_pdf(rendered, identity, reason="test"), identity)
    assert check.valid and check.signer == "Configured Test Signer"


def test_missing_configured_paths_give_a_clear_error(tmp_path):
    key_path, cert_path = _write_pair(tmp_path, "Signer")
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(SigningError, match="key .*nowhere.pem does not exist"):
        ensure_signing_identity(str(tmp_path), key_path=str(missing), cert_path=str(cert_path))
    with pytest.raises(SigningError, match="certificate .*nowhere.pem does not exist"):
        ensure_signing_identity(str(tmp_path), key_path=str(key_path), cert_path=str(missing))
    with pytest.raises(SigningError, match="not a file"):
        ensure_signing_identity(str(tmp_path), key_path=str(tmp_path), cert_path=str(cert_path))
    with pytest.raises(SigningError, match="both"):
        ensure_signing_identity(str(tmp_path), key_path=str(key_path))


def test_mismatched_key_and_certificate_are_refused(rendered, tmp_path):
    key_path, _ = _write_pair(tmp_path, "One")
    _, cert_path = _write_pair(tmp_path, "Two")
    identity = ensure_signing_identity(
        str(tmp_path), key_path=str(key_path), cert_path=str(cert_path)
    )
    with pytest.raises(SigningError, match="does not match"):
        sign_pdf(rendered, identity, reason="test")
