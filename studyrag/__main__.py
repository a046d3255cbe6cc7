"""`python -m studyrag ...` is the `studyrag` command."""

import sys

from studyrag.cli import main

sys.exit(main())
