"""``python -m controlroom.cli VERB``: the core's verbs (the window verbs need ``python -m ui``)."""
import sys

from controlroom.cli import main

if __name__ == "__main__":  # not when a tool merely imports every module
    sys.exit(main())
