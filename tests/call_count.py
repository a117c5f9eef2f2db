"""Count the calls of a real function (no mock: the function still runs)."""


def count_calls(monkeypatch, module, name: str) -> list:
    """Replace module.name by a wrapper that notes each call's arguments and calls the real one."""
    calls = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, counting)
    return calls
