"""Build the one C extension (decision 090); everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("xsight.services.ingest._copy_rows", ["xsight/services/ingest/_copy_rows.c"],
                             extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"])])
