"""PAdES signatures on certificate PDFs: the signing identity, signing and verification."""

import fcntl
import os
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

# RFC 5280 caps a CN at 64 characters and "... Signing (self-signed)" has 65, so
# "self-signed" goes into the organisational unit instead.
SIGNER_CN = "Guizhou Green Building Material Certificate Signing"
SIGNER_OU = "Self-signed"
SIGNATURE_FIELD = "CertificateSignature"
CERT_VALIDITY = timedelta(days=3653)  # ten years, leap days included
KEY_FILE = "signing_key.pem"
NO_SIGNATURE = "The PDF has no signature."
CERT_FILE = "signing_cert.pem"
IDENTITY_DIR = "signing"  # the generated pair's folder inside the instance


class SigningError(RuntimeError):
    """Raised when the signing key or certificate is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class SigningIdentity:
    """Where the signing key (PEM, unencrypted) and its X.509 certificate (PEM) live."""

    key_path: Path
    cert_path: Path


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking a certificate PDF's signature."""

    intact: bool  # the signed bytes hash to what the signature says
    valid: bool  # intact, cryptographically sound, trusted and not modified afterwards
    covers_whole_file: bool  # nothing was appended after the signature
    signer: str  # the signing certificate's common name, empty when there is none
    problem: str = ""  # why the check failed before pyHanko could report, if it did
    # Whether the certificate in the signature is the register's own (compared, not trusted:
    # it tells "changed after we signed it" from "signed by someone else").
    signer_is_ours: bool = False
    reason: str = ""  # the signature's /Reason, covered by the signature when it is valid
    signed_at: datetime | None = None  # the signing time the signer reported

    @property
    def ok(self) -> bool:
        """Return whether the PDF is exactly what was signed: valid and nothing appended."""
        # pyHanko calls a signature valid even with bytes appended after it (an incremental
        # update it deems harmless); a certificate should be byte-for-byte what was issued.
        return self.valid and self.covers_whole_file


def _check_readable(path: Path, what: str) -> None:
    if not path.is_file():
        raise SigningError(f"The configured signing {what} {path} does not exist or is not a file.")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise SigningError(f"The configured signing {what} {path} cannot be read: {exc}") from exc


def _new_key_and_cert() -> tuple[bytes, bytes]:
    # EC P-256: key generation and signing take milliseconds, unlike RSA 3072.
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_CN),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, SIGNER_OU),
        ]
    )
    # Backdated a little so a verifier whose clock lags does not see a future certificate.
    now = datetime.now(UTC) - timedelta(minutes=5)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation, which pyHanko requires of signers
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # the umask may have narrowed or O_CREAT kept an older mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _generate_into(directory: Path) -> SigningIdentity:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    identity = SigningIdentity(directory / KEY_FILE, directory / CERT_FILE)
    # Several workers may sign their first certificate at once: one generates, the rest wait.
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # The certificate is written last, so its presence means the pair is complete.
        if identity.cert_path.exists():
            if not identity.key_path.exists():
                raise SigningError(
                    f"{identity.cert_path} exists but its key {identity.key_path} is missing; "
                    "restore the key or remove both to generate a new pair."
                )
            return identity
        key_pem, cert_pem = _new_key_and_cert()
        _write_atomically(identity.key_path, key_pem, 0o600)
        _write_atomically(identity.cert_path, cert_pem, 0o644)
    return identity


def ensure_signing_identity(
    instance_dir: str, *, key_path: str | None = None, cert_path: str | None = None
) -> SigningIdentity:
    """Return the configured key and certificate, else a self-signed pair made once in instance."""
    if key_path or cert_path:
        if not (key_path and cert_path):
            raise SigningError("Configure both the signing key and the signing certificate.")
        identity = SigningIdentity(Path(key_path), Path(cert_path))
        _check_readable(identity.key_path, "key")
        _check_readable(identity.cert_path, "certificate")
        return identity
    return _generate_into(Path(instance_dir) / IDENTITY_DIR)


def _mtimes(identity: SigningIdentity) -> tuple[int, int]:
    try:
        return identity.key_path.stat().st_mtime_ns, identity.cert_path.stat().st_mtime_ns
    except OSError as exc:
        raise SigningError(f"Signing key or certificate is missing: {exc}") from exc


@lru_cache(maxsize=8)
def _cached_signer(key_path: Path, cert_path: Path, versions: tuple[int, int]) -> signers.Signer:
    # Keyed on the files' mtimes too (versions), so a replaced key is used without a restart.
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if signer is None:  # pyHanko logs the cause and returns None rather than raising
        raise SigningError(
            f"Could not load the signing key {key_path} and certificate {cert_path}."
        )
    # A mismatched pair would sign happily and fail every verification: refuse it up front.
    key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    if key.public_key() != cert.public_key():
        raise SigningError(f"The signing key {key_path} does not match certificate {cert_path}.")
    return signer


def load_signer(identity: SigningIdentity) -> signers.Signer:
    """Return the pyHanko signer for an identity, loaded once per key and certificate version."""
    return _cached_signer(identity.key_path, identity.cert_path, _mtimes(identity))


def sign_pdf(
    pdf: bytes, identity: SigningIdentity, *, reason: str, location: str = "Guizhou"
) -> bytes:
    """Return the PDF with an invisible PAdES baseline B signature by the identity's key."""
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=load_signer(identity),
        # No box: the field is invisible, the printed certificate says it is signed.
        new_field_spec=fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signer = pdf_signer.signer
    reserved = _reserved_by_signer.get(signer)
    signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
    if reserved is None:
        _reserved_by_signer[signer] = _reserved_size(signed)
    return signed


# How much room pyHanko reserved for a signer's first signature, reused for the next ones.
# Without it pyHanko signs every document twice: a dummy signature to measure the space, then
# the real one (about 15 of a certificate's 35 ms of signing). The size depends only on the
# key and certificates, and pyHanko's first estimate holds a 50 % margin.
_reserved_by_signer: "weakref.WeakKeyDictionary[signers.Signer, int]" = weakref.WeakKeyDictionary()


def _reserved_size(signed: bytes) -> int:
    # The /Contents placeholder is written as hex, two characters a byte, as bytes_reserved
    # counts it.
    contents = PdfFileReader(BytesIO(signed)).embedded_signatures[-1].sig_object["/Contents"]
    return 2 * len(contents)


@lru_cache(maxsize=8)
def _trust_root(cert_path: Path, version: int):
    return load_cert_from_pemder(str(cert_path))


def verify_pdf_signature(pdf: bytes, identity: SigningIdentity) -> SignatureCheck:
    """Check the PDF's signature against the identity's certificate as the only trust root."""
    root = _trust_root(identity.cert_path, _mtimes(identity)[1])
    try:
        signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    except Exception as exc:  # a damaged PDF raises from many places; all mean "not valid"
        return SignatureCheck(False, False, False, "", problem=f"{type(exc).__name__}: {exc}")
    if not signatures:
        return SignatureCheck(False, False, False, "", problem=NO_SIGNATURE)
    signature = signatures[-1]
    try:
        # Read before validating, and only to compare with our own: the signature's
        # certificate sits outside the signed bytes, so it says who signed, not what changed.
        signing_cert = signature.signer_cert
        signer_is_ours = signing_cert.dump() == root.dump()
        signer = _subject_name(signing_cert)
    except Exception as exc:
        return SignatureCheck(False, False, False, "", problem=f"{type(exc).__name__}: {exc}")
    try:
        # No fetching: certificates are checked offline, against our own root only.
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        status = validate_pdf_signature(signature, context)
        reason = signature.sig_object.get("/Reason")
    except Exception as exc:
        return SignatureCheck(
            False, False, False, signer, f"{type(exc).__name__}: {exc}", signer_is_ours
        )
    return SignatureCheck(
        intact=bool(status.intact),
        valid=bool(status.bottom_line),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=signer,
        signer_is_ours=signer_is_ours,
        reason=str(reason) if reason is not None else "",
        signed_at=status.signer_reported_dt,
    )


def _subject_name(cert) -> str:
    # The common name reads best on a verification page; fall back to the whole subject.
    subject = cert.subject
    return subject.native.get("common_name") or subject.human_friendly
