"""Run a Huey consumer with XSight's logging from the first line: `python -m xsight.worker -w 16 -k greenlet`.

Takes huey_consumer's options. Unlike `huey_consumer xsight.tasks.registry.huey`, it builds the app
(and so the JSON log handler, Sentry and metrics) before the consumer starts, instead of on the first
task, and applies gevent's monkey-patching first when greenlet workers are asked for.
"""

from __future__ import annotations

import logging
import sys


def _wants_greenlets(argv: list[str]) -> bool:
    for i, arg in enumerate(argv):
        if arg in ("-k", "--worker-type") and i + 1 < len(argv):
            return argv[i + 1] == "greenlet"
        if arg.startswith("--worker-type="):
            return arg.split("=", 1)[1] == "greenlet"
    return False


def main(argv: list[str] | None = None) -> None:
    """Parse huey_consumer's options, build the app, and run the consumer until stopped."""
    args = sys.argv[1:] if argv is None else argv
    if _wants_greenlets(args):
        from gevent import monkey

        monkey.patch_all()
    from huey.consumer_options import ConsumerConfig, OptionParserHandler

    from xsight import create_app
    from xsight.ops.heap import freeze_startup_heap
    from xsight.tasks.context import use_app
    from xsight.tasks.registry import huey

    options, _ = OptionParserHandler().get_option_parser().parse_args(args)
    config = ConsumerConfig(**{k: v for k, v in vars(options).items() if v is not None})
    config.validate()
    use_app(create_app())
    freeze_startup_heap()
    # Huey's records go through the root logger's redacting handler; only their level is Huey's.
    logging.getLogger("huey").setLevel(config.loglevel)
    huey.create_consumer(**config.values).run()


if __name__ == "__main__":
    main()
