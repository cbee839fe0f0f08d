"""Gunicorn settings for XSight's web processes (`gunicorn -c gunicorn.conf.py wsgi:app`).

gevent workers: the app mostly waits on PostgreSQL, Redis and Shopify. Socket.IO's long-polling
needs every request of one browser session on the same worker, so run one worker per process
(WEB_CONCURRENCY=1, the default) and several processes behind a load balancer with sticky sessions,
or raise WEB_CONCURRENCY only where the balancer pins sessions to a worker.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - in a container
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "1000"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Webhook bodies are capped at 2 MB by the app; refuse absurd header blocks early.
limit_request_field_size = 16_384
accesslog = None  # the app writes one structured line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's control socket defaults to one path per user; several web processes on one host would share it.
control_socket_disable = True
