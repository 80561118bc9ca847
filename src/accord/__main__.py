"""``python -m accord``: the same command line as the ``accord`` script."""

from accord.cli import main

main()
