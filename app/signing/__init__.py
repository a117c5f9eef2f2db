"""Digital signatures: the only package importing pyHanko (demo PKI, signer, PAdES, validation)."""
