"""Kolada: real public key figures for comparison — offline from ``data/external/``
(``extract``) or from the live API v3 (``client``)."""
