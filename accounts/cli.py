"""`flask users create`: create an organisation's user from the command line."""

import click
from flask.cli import with_appcontext
from sqlmodel import select

from accounts.models import Organisation
from accounts.services import create_user
from greenbm.db import get_engine, session_scope
from greenbm.errors import Invalid


@click.group("users")
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--credit-code", required=True, help="Credit code of the user's organisation.")
@click.option("--name", "display_name", default="")
@click.password_option()
@with_appcontext
def create_command(email: str, credit_code: str, display_name: str, password: str) -> None:
    """Create a user in the organisation with CREDIT_CODE; the role follows its kind."""
    with session_scope(get_engine()) as session:
        org = session.exec(
            select(Organisation).where(Organisation.credit_code == credit_code.strip().upper())
        ).first()
        if org is None:
            raise click.ClickException(f"No organisation has the credit code {credit_code}.")
        try:
            user = create_user(
                session=session,
                actor=None,
                organisation_id=org.id,
                email=email,
                password=password,
                display_name=display_name,
            )
        except Invalid as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created {user.email} ({user.role}) in {org.name_zh}.")
