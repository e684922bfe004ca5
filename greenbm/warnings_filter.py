"""Silence the third-party deprecations we cannot fix, each by its exact message and module."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning


def ignore_upstream_deprecations() -> None:
    """Ignore known deprecation warnings raised inside third-party packages, and only those."""
    # pyHanko (pyhanko/sign/signers/pdf_cms.py, 0.38) imports cryptography's DSAPrivateKey at
    # import time, which cryptography 51 deprecates. We never sign or verify with DSA. Remove
    # this once a pyHanko release stops importing it. Not a blanket ignore: our own code still
    # turns every warning into an error under pytest.
    warnings.filterwarnings(
        "ignore",
        message=r"DSA is deprecated and support will be removed in a future release",
        category=CryptographyDeprecationWarning,
        module=r"pyhanko\.sign\.signers\.pdf_cms",
    )
