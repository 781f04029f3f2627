# All metadata lives in pyproject.toml. This file only lets `scrapyd-deploy` build the egg it
# uploads to Scrapyd (`python setup.py bdist_egg`) without writing a setup.py of its own, whose
# name, version and packages would contradict pyproject.toml.
from setuptools import setup

setup()
