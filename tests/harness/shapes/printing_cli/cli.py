"""``todo``: a small command-line tool built with click."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("items", nargs=-1)
@click.option("--done", multiple=True, help="Items already done.")
def main(items: tuple[str, ...], done: tuple[str, ...]) -> None:
    if not items:
        print("nothing to do", file=sys.stderr)
        sys.exit(2)
    click.echo(click.style(f"{len(items)} item(s)", bold=True))
    for item in items:
        mark = click.style("x", fg="green") if item in done else " "
        click.echo(f"[{mark}] {item}")
    left = [item for item in items if item not in done]
    sys.stderr.write(f"{len(left)} left\n")
