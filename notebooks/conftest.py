"""nbval settings for the notebooks: stderr (progress bars, warnings) is not compared.

This is the hook documented by nbval for skipping an output type.
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
