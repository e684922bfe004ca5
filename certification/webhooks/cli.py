"""`flask webhooks deliver`: the worker that fans events out and sends the deliveries."""

import contextlib
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from certification.webhooks.delivery import deliver_due
from certification.webhooks.fanout import fan_out
from greenbm.db import get_engine, session_scope

webhooks_cli = click.Group("webhooks", help="Deliveries of certificate events to webhooks.")


def delivery_round(engine, insecure_hosts: list[str]) -> tuple[int, int]:
    """Queue deliveries for new events, then send what is due; return (queued, attempted)."""
    try:
        with session_scope(engine) as session:
            queued = fan_out(session=session)
    except IntegrityError:  # another worker queued the same events first: theirs stand
        queued = 0
    return queued, deliver_due(engine, insecure_hosts=insecure_hosts)


@webhooks_cli.command("deliver")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Do one round, then stop.")
@with_appcontext
def deliver_command(interval: float, once: bool) -> None:
    """Send certificate events to the registered webhooks, retrying failures with backoff."""
    engine = get_engine()
    insecure_hosts = current_app.config["WEBHOOK_INSECURE_HOSTS"]
    if once:
        queued, attempted = delivery_round(engine, insecure_hosts)
        click.echo(f"Queued {queued} deliveries, attempted {attempted}.")
        return
    stop = threading.Event()
    # A service manager stops the worker with SIGTERM: finish the round, then leave.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        while not stop.is_set():
            queued, attempted = delivery_round(engine, insecure_hosts)
            if queued or attempted:
                click.echo(f"Queued {queued} deliveries, attempted {attempted}.")
            stop.wait(interval)
    click.echo("Stopped.")
