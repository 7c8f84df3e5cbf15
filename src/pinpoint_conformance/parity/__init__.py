"""Parity beyond the contract: record what one server answers to the suite's deterministic scenarios
(a transcript), and compare another server's answers against it, difference by difference."""
