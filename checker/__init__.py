"""isms-check: checks an ISO/IEC 27001 ISMS kept as YAML files in git."""

__version__ = "0.1.0"
