"""The demo province (Yên Bái): its agency tree, staff names and the seed that inserts them."""
from .seed import FIXED_ACCOUNTS, SeedSummary, seed_demo_province

__all__ = ["FIXED_ACCOUNTS", "SeedSummary", "seed_demo_province"]
