"""The HTTP decision service (``capcoe-rules serve``): FastAPI on uvicorn.

For back offices that are not written in Python: a case in, its decision out, as the
library gives it (the same bytes as ``Engine.evaluate(case).to_json()``). One module per
job:

- :mod:`.app`: the application: every rule set's routes, the index, errors, OpenAPI;
- :mod:`.routes`: the routes of one rule set;
- :mod:`.bodies`: request bodies read within a size limit, JSON Lines line by line;
- :mod:`.responses`: bilingual error bodies (422, 404, 413, 500) and the explanation;
- :mod:`.models`: the pydantic models of what the service answers besides decisions;
- :mod:`.server`: uvicorn, with one or several worker processes.

Needs the ``serve`` extra (``pip install 'capcoe-rules[serve]'``); this package itself
imports nothing of it, so that the command line starts without it.

>>> from capcoe_rules import Engine
>>> from capcoe_rules.service.app import create_app
>>> app = create_app([Engine.bundled()])     # an ASGI application, for any ASGI server
"""

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
"""16 MiB: a case is about 1 KB, the national allocation round (8,149 applications) 4 MB."""
