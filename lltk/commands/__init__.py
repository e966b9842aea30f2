"""Subcommands of ``lltk``.

Each module here defines ``register(subparsers)``, which adds one subcommand whose
``func`` takes the parsed arguments and returns an exit status. Modules import heavy
packages (torch, paraview) inside ``func`` only, so that ``lltk topology`` needs neither.
"""
