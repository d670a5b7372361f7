"""Printing the list (moved out of ``main``)."""

from __future__ import annotations

import sys

import click


def render(items: tuple[str, ...], done: tuple[str, ...]) -> None:
    click.echo(click.style(f"{len(items)} item(s)", bold=True))
    for item in items:
        mark = click.style("x", fg="green") if item in done else " "
        click.echo(f"[{mark}] {item}")
    left = [item for item in items if item not in done]
    sys.stderr.write(f"{len(left)} left\n")
