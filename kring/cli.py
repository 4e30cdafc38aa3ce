"""The `kring` command (CONTRACT §3): run services, create tokens, read a referral's status."""
import argparse
import sys

from kring.config import SERVICES, ConfigError, Settings

RPC_TIMEOUT_SECONDS = 10


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except ConfigError as exc:
        print(f"kring: {exc}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(prog="kring", description=__doc__)
    commands = parser.add_subparsers(metavar="COMMAND")

    run = commands.add_parser("run", help="run services (default: all five)")
    run.add_argument("services", nargs="*", metavar="SERVICE",
                     help=f"any of: {', '.join(SERVICES)}")
    run.add_argument("--dev", action="store_true",
                     help="development mode: without KRING_SECRET, use the fixed development key")
    run.set_defaults(func=_run)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(metavar="ACTION")
    create = token_commands.add_parser("create", help="print a signed bearer token")
    create.add_argument("--org", required=True, help="the caller's organisation")
    create.add_argument("--role", required=True,
                        choices=("referrer", "coordinator", "supporter", "admin"))
    create.add_argument("--ttl", type=int, default=8 * 3600, help="seconds (default 8 hours)")
    create.add_argument("--dev", action="store_true",
                        help="sign with the development key even if KRING_SECRET is unset "
                             "(this is also the fallback, with a warning)")
    create.set_defaults(func=_token_create)

    status = commands.add_parser("status", help="a referral's status and timeline")
    status.add_argument("referral_id")
    status.set_defaults(func=_status)
    return parser


def _run(args):
    from kring.runner import run_services
    return run_services(args.services or list(SERVICES), dev=args.dev)


def _token_create(args):
    from kring.kit.auth import create_token
    settings = Settings.from_env()
    if not settings.secret and not args.dev:
        print("kring: KRING_SECRET is not set; signing with the development key, which only "
              "`kring run --dev` (make run) accepts.", file=sys.stderr)
    try:
        token = create_token(settings.signing_key(dev=True), args.org, args.role, args.ttl)
    except ValueError as exc:
        print(f"kring: {exc}", file=sys.stderr)
        return 2
    print(token)  # alone on stdout, so that TOKEN=$(kring token create ...) works
    return 0


def _status(args):
    from kring.readable import describe
    from kring.rpc import call
    settings = Settings.from_env()
    try:
        referral = call(settings.amqp_uri, "referral", "referral_status", args.referral_id,
                        timeout=RPC_TIMEOUT_SECONDS)
    except TimeoutError:
        print("kring: the referral service did not answer within "
              f"{RPC_TIMEOUT_SECONDS} s. Is `kring run` running against {settings.amqp_uri}?",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kring: cannot reach the broker at {settings.amqp_uri}: {exc}", file=sys.stderr)
        return 1
    if referral is None:
        print(f"kring: no referral {args.referral_id}", file=sys.stderr)
        return 1
    print(describe(referral))
    return 0


if __name__ == "__main__":
    sys.exit(main())
