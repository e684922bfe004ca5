"""Where an openEPD document's figures come from, as the document itself states it."""

from openepd.model.epd import Epd

from catalog.models import GwpProvenance
from catalog.rules import epd_provenance, weaker_provenance


def named_verifier(epd: Epd) -> str:
    """Return the third-party verifier the document names (organisation, person or link)."""
    org = epd.third_party_verifier
    named = [
        org.name if org else None,
        epd.third_party_verifier_name,
        epd.third_party_verifier_email,
        str(epd.third_party_verification_url) if epd.third_party_verification_url else None,
    ]
    return next((n.strip() for n in named if n and n.strip()), "")


def document_provenance(verifier: str, registration_number: str, ours: dict) -> str:
    """Return the provenance the document shows; our own extension may only lower it."""
    shown = epd_provenance(verifier=verifier, registration_number=registration_number)
    claimed = ours.get("gwp_provenance")
    if claimed in GwpProvenance.__members__.values():
        return weaker_provenance(shown, claimed)
    return shown
