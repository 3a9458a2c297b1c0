"""gongkai: structured data from 政府信息公开工作年度报告.

Subpackages, in import order (each may import only those before it):

- ``gongkai.model``: the report-format knowledge, the label set, the tagger model;
- ``gongkai.inference``: text → normalise → tag → assemble → reconcile → output;
- ``gongkai.training``: annotations, synthetic reports, training and evaluation.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gongkai")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
