"""The process catalogue: every business process the installation runs, listed explicitly."""
from . import assign_work, incoming_document

CATALOGUE = (assign_work.DEFINITION, incoming_document.DEFINITION)
