"""Notice templates; a package so that setuptools ships its *.j2 files as package data."""
