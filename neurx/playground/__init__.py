"""A local neural-network playground in the browser, trained by neurx (`neurx playground`).

What each part owns (imports go down this list, never up):

- `params`: the settings, their limits and the validation of what a browser sends.
- `data`: the four 2-D datasets, the input features and the plot grid (NumPy).
- `network`: the settings as a `neurx.Sequential` of `Dense` layers, and as a script.
- `engine`: one network's compiled programs (the trainer's jitted steps, a jitted probe).
- `session`: one tab's points, training state and what it is sent.
- `registry`: the open sessions, shared between threads; freeing closed or silent ones.
- `server`: HTTP, the static page (`static/`), the JSON API and the event streams.

>>> from neurx.playground import Session
>>> session = Session({"dataset": "gauss", "hidden": [2]})
>>> session.train(epochs=5)
>>> session.losses()["test"] < 0.5
True
"""
from neurx.playground.params import ParameterError, Params, validate
from neurx.playground.registry import Registry
from neurx.playground.server import PlaygroundServer, serve
from neurx.playground.session import Session

__all__ = ["ParameterError", "Params", "PlaygroundServer", "Registry", "Session", "serve",
           "validate"]
