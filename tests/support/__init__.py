"""Everything the tests share: clients, sample data, databases, processes, events over the broker,
waiting, and the drivers of each service's tests.

The conftest.py files only define and register fixtures; what a test imports comes from here.
bench/ may import this package too; the product (kring/, services/) never does.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
