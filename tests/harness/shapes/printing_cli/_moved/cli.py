"""``todo``: a small command-line tool built with click."""

from __future__ import annotations

import sys

import click
from printing_cli.render import render


@click.command()
@click.argument("items", nargs=-1)
@click.option("--done", multiple=True, help="Items already done.")
def main(items: tuple[str, ...], done: tuple[str, ...]) -> None:
    if not items:
        print("nothing to do", file=sys.stderr)
        sys.exit(2)
    render(items, done)
