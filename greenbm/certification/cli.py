"""`flask certification …` commands."""

import click

certification_cli = click.Group("certification", help="Certification criteria and certificates.")
