"""Demo incoming documents for `flask seed-demo` (see seeding.py)."""
from .seeding import DemoDocumentsSummary, seed_demo_documents

__all__ = ["DemoDocumentsSummary", "seed_demo_documents"]
