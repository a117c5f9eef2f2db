"""The process catalogue: every business process the installation runs, listed explicitly."""
from . import assign_work

CATALOGUE = (assign_work.DEFINITION,)
