"""The open-data page: the certificate snapshots to download and their data dictionary."""

from flask import abort, render_template, send_from_directory

from certification import bp
from certification.certificates.open_data import (
    FIELDS,
    SNAPSHOT_NAME,
    snapshot_folder,
    snapshots,
)

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


@bp.get("/open-data")
def open_data():
    """Show the latest snapshots and the data dictionary."""
    return render_template(
        "certification/open_data.html", days=snapshots(snapshot_folder()), fields=FIELDS
    )


@bp.get("/open-data/<snapshot>")
def open_data_file(snapshot: str):
    """Download one snapshot file."""
    match = SNAPSHOT_NAME.fullmatch(snapshot)
    if match is None or match[1] not in snapshots(snapshot_folder()):
        abort(404)
    return send_from_directory(
        snapshot_folder(), snapshot, mimetype=MEDIA_TYPES[match[2]], as_attachment=True
    )
