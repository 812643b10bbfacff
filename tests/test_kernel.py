"""The report's kernel manager (toolkit/kernel.py): the running interpreter, whatever kernel is asked for, and no log."""

import asyncio
import json
import sys

import zmq

from toolkit.kernel import KernelManager


def test_the_kernel_spec_is_the_running_interpreter_whatever_name_is_asked():
    for name in ("python3", "no-such-kernel"):
        spec = KernelManager(kernel_name=name).kernel_spec
        assert spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"] and spec.language == "python"
    # Encrypted transport wherever ZeroMQ can provide it (CurveZMQ).
    assert KernelManager().transport_encryption == ("auto" if zmq.has("curve") else KernelManager.transport_encryption
                                                     .default_value)


async def _run(code: str) -> tuple[str, str]:
    """Start a kernel through the manager, run ``code``, shut it down; its stream output and reply status."""
    manager = KernelManager(kernel_name="python3")
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    shown = []
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive(
            code, timeout=60, output_hook=lambda msg: msg["msg_type"] == "stream" and shown.append(msg["content"]["text"]))
    finally:
        client.stop_channels()
        await manager.shutdown_kernel()
    return "".join(shown), reply["content"]["status"]


def test_a_kernel_runs_on_this_interpreter_even_with_a_broken_python3_kernel_installed(tmp_path, monkeypatch, capfd):
    # A kernel named python3 that points at a missing interpreter: the manager must not look it up.
    decoy = tmp_path / "kernels" / "python3"
    decoy.mkdir(parents=True)
    (decoy / "kernel.json").write_text(json.dumps({"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f",
                                                           "{connection_file}"], "display_name": "decoy",
                                                  "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    shown, status = asyncio.run(_run("import sys\nprint(sys.executable)\nprint('Hợp tác biên giới')"))
    assert status == "ok"
    assert shown.splitlines() == [sys.executable, "Hợp tác biên giới"]
    # The kernel process's own log (start-up notices, the interrupt at shutdown) is not shown.
    err = capfd.readouterr().err
    assert "KeyboardInterrupt caught in kernel" not in err and "without encryption" not in err
