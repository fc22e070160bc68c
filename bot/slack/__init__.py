"""The Slack wing, laid out along a request's path. Read it in this order:

1. ``serve.py``: the entry points (``serve``, ``worker``); ``startup.py`` the checks before anything
   opens; ``runtime.py`` the composition root that builds everything once; ``app.py`` (the Bolt
   app) and ``http.py`` (the HTTP front).
2. ``listeners/``: one module per trigger (mention, slash command, message shortcut, message
   events, membership, uninstall) plus ``middleware.py``. A listener answers at once: it stores a job and
   acks; it imports only ``deps``, ``jobs/spec`` and ``formats`` (and the digest schedule's wording,
   and ``install/workspace.py`` for the workspace its job runs in).
3. ``jobs/``: ``spec.py`` is the contract (request keys, payloads, reply targets, ``Outcome``);
   ``runner.py`` claims and runs a job with the use cases it is given; ``replies.py`` puts the
   answer where the request came from; ``local.py`` and ``procrastinate.py`` are the two queues.
4. Use cases: ``usecases.py`` (summaries of links, text, threads, channels) and ``digests/``
   (``build.py``, ``schedule.py``, ``usecases.py``: the digest feature in one place).
5. ``formats/``: what Slack reads and writes: ``markup.py`` (the one home of Slack markup),
   ``shapes.py`` (message shapes), ``blocks.py``, ``strings.py`` (every user-facing sentence),
   ``manifest.py``. ``storage/``: the database, the message store, the job rows and each
   conversation's workspace. ``reading.py`` reads history, threads and users through the Web API.
6. ``install/``: installing to any workspace: the workspace a request or job names, the OAuth
   flow's stores on the bot's database, and each workspace's Web API client (``tokens.py``).

``deps.py`` names what listeners (``Deps``) and jobs (``Services``) are given.
"""
