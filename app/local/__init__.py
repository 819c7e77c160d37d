"""The local engine: answers common commands offline and declines (None) when not sure.

`answer_locally(request=...)` returns an EngineAnswer (engine="local") or None; see
app/local/engine.py for the pipeline and the modules it uses.
"""

from app.local.engine import answer_locally

__all__ = ["answer_locally"]
