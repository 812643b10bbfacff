"""The kernel manager of the report's headless notebook runs (papermill's ``kernel_manager_class``).

Kept apart from :mod:`toolkit.report` so that importing the report's helpers (the command's
``summary`` does) needs no Jupyter package.
"""

from __future__ import annotations

from jupyter_client import AsyncKernelManager

__all__ = ["KernelManager"]


class KernelManager(AsyncKernelManager):
    """A kernel manager for headless runs: the running interpreter, encrypted transport, no kernel log.

    The kernel is :func:`toolkit.report.kernel_spec`, ipykernel started by the
    interpreter that runs the report, whatever name it is asked for: no kernel
    spec is looked up among the ones Jupyter knows.

    ipykernel logs "Kernel is running over TCP without encryption" on every
    start unless the manager provisions CurveZMQ keys (``transport_encryption``
    "auto" when the kernelspec declares support), and "KeyboardInterrupt caught
    in kernel" when it is shut down. The kernel process's own log is not a
    result (cell outputs, errors included, come over the messaging protocol),
    so its stderr is discarded.
    """

    def __init__(self, **kw):
        import zmq

        super().__init__(**kw)
        if zmq.has("curve"):
            self.transport_encryption = "auto"

    @property
    def kernel_spec(self):
        if self._kernel_spec is None:
            from .report import kernel_spec

            self._kernel_spec = kernel_spec()
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        import subprocess

        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_launch_kernel(kernel_cmd, **kw)
