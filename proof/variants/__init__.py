"""Servers whose verdicts are known: faulty variants of the reference server (each one realistic
defect tied to one clause of the contract) and conforming ones that differ legitimately."""

from .catalogue import CONFORMING, FAULTY, UNREACHABLE, VARIANTS, Variant

__all__ = ["CONFORMING", "FAULTY", "UNREACHABLE", "VARIANTS", "Variant"]
