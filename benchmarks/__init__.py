"""Benchmarks: realistic generated schools, a by-hand baseline and the runner (see README.md)."""
