"""How much YAML is read at most: shared by the YAML loader and the rule-file reader,
which must not need the loader (an engine whose rule set comes from the cache reads the
files' bytes, never their YAML)."""

MAX_BYTES = 1 << 20
"""Largest YAML text read (1 MiB): a hundred times the largest bundled rule file, small
enough to be read in about a second."""
