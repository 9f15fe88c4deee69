"""``python -m extractor`` is ``xxgk``."""
from .cli import main

main(prog_name="xxgk")
