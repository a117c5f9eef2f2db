"""The process catalogue: every business process the installation runs, listed explicitly."""
from . import assign_work, incoming_document, outgoing_document, recall_request, update_request

CATALOGUE = (assign_work.DEFINITION, incoming_document.DEFINITION, outgoing_document.DEFINITION,
             recall_request.DEFINITION, update_request.DEFINITION)
