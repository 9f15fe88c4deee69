"""xxgk: government information-disclosure annual reports into a comparable dataset."""
__version__ = "0.1.0"
