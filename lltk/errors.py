"""The error that the command line prints as one line and exit status 2."""


class UserError(Exception):
    """A problem with the user's input: printed as one clear line, exit status 2."""
