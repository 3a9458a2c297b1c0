"""Typer sub-apps, one per area; gongkai.cli wires them in."""
