"""`python -m app.serving`: production mode on this machine (see supervisor.py)."""
import sys

from .supervisor import main

sys.exit(main())
