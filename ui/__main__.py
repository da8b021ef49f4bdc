"""``python -m ui VERB …``: the same as the installed ``controlroom`` command."""
import sys

from ui.main import main

if __name__ == "__main__":  # not when a tool merely imports every module
    sys.exit(main())
