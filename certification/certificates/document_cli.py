"""`flask certification documents`: make missing or outdated certificate PDFs, then follow.

With `--follow` it stays on as the worker that makes each certificate's document once the
change (issue, reissue, suspension, reinstatement, revocation, expiry) has committed: it
reads the certificate events recorded since its last round, as the webhooks worker does.
"""

import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlmodel import Session, select

from certification.certificates.documents import current_file, find_document, make_document
from certification.models import Certificate, CertificateEvent, CertificateSource
from greenbm.db import get_engine, session_scope
from greenbm.urls import public_url

log = logging.getLogger(__name__)


def _issued():
    return select(Certificate.id).where(Certificate.source == CertificateSource.ISSUED)


def issued_certificate_ids(*, session: Session) -> list[int]:
    """Return the ids of the certificates issued here (the ones with a PDF), in order."""
    return list(session.exec(_issued().order_by(Certificate.id)).all())


def changed_since(event_id: int, *, session: Session) -> tuple[list[int], int]:
    """Return the issued certificates with events after `event_id`, and the last event's id."""
    last = session.exec(select(func.max(CertificateEvent.id))).one() or 0
    if last <= event_id:
        return [], event_id
    changed = _issued().where(
        Certificate.id.in_(
            select(CertificateEvent.certificate_id).where(
                CertificateEvent.id > event_id, CertificateEvent.id <= last
            )
        )
    )
    return list(session.exec(changed.order_by(Certificate.id)).all()), last


def bring_up_to_date(certificate_id: int, engine, verify_url: Callable[[str], str]) -> bool:
    """Make the certificate's document unless the stored one is current; True if made."""
    with session_scope(engine) as session:
        number = session.get(Certificate, certificate_id).number
        certificate, document = find_document(number, session=session)
        url = verify_url(certificate.number)
        config = current_app.config
        if current_file(certificate, document, config, verify_url=url) is not None:
            return False
        make_document(
            certificate,
            config,
            session=session,
            static_dir=current_app.static_folder,
            verify_url=url,
        )
    return True


def build(ids: Iterable[int], engine, verify_url, progress=None) -> tuple[int, int, int]:
    """Bring each certificate's document up to date; return (made, current, failed)."""
    made = current = failed = 0
    for certificate_id in ids:
        try:
            if bring_up_to_date(certificate_id, engine, verify_url):
                made += 1
            else:
                current += 1
        except Exception:  # one bad certificate must not stop the others; the download retries
            log.exception("Could not make the document of certificate %s", certificate_id)
            failed += 1
        if progress:
            progress(1)
    return made, current, failed


def _verify_url(number: str) -> str:
    return public_url("certification.verify_certificate", number=number)


def follow_round(engine, watermark: int) -> tuple[int, int, int]:
    """Make the documents of the certificates changed since `watermark`; return the counts.

    Return (made, failed, the new watermark). Runs inside a request context (the URLs).
    """
    with session_scope(engine) as session:
        ids, watermark = changed_since(watermark, session=session)
    made, _current, failed = build(ids, engine, _verify_url)
    return made, failed, watermark


def _follow(engine, watermark: int, interval: float) -> None:
    stop = threading.Event()
    # A service manager stops the worker with SIGTERM: finish the round, then leave.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        while not stop.is_set():
            made, failed, watermark = follow_round(engine, watermark)
            if made or failed:
                click.echo(f"Made {made} document(s), {failed} failed.")
            stop.wait(interval)
    click.echo("Stopped.")


@click.command("documents")
@click.option("--follow", is_flag=True, help="Then stay on, making documents as they change.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def documents_command(follow: bool, interval: float) -> None:
    """Make the signed PDF of every certificate whose stored document is missing or outdated."""
    if not current_app.config.get("PUBLIC_BASE_URL"):
        raise click.ClickException(
            "Set PUBLIC_BASE_URL to the public site's address: every certificate prints the "
            "address of its verification page."
        )
    engine = get_engine()
    with session_scope(engine) as session:
        # Taken first: a change committed during the sweep is seen by the first round.
        watermark = session.exec(select(func.max(CertificateEvent.id))).one() or 0
        ids = issued_certificate_ids(session=session)
    with current_app.test_request_context():
        with click.progressbar(length=len(ids), label="Certificate PDFs", file=sys.stderr) as bar:
            made, current, failed = build(ids, engine, _verify_url, bar.update)
        click.echo(f"{made} made, {current} up to date, {failed} failed.")
        if follow:
            _follow(engine, watermark, interval)
    if failed:
        raise click.ClickException(f"{failed} document(s) could not be made: see the log.")
