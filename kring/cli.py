"""The `kring` command (docs/contract.md §3): run services, create tokens, read a referral's
status and audit trail, keep the provider directory."""
import argparse
import os
import sys

from kring.config import RUNNABLE, SERVICES, ConfigError, Settings
from kring.contracts.access import ROLES

RPC_TIMEOUT_SECONDS = 10
ERASE_WAIT_SECONDS = 60  # every stage reports its part erased within a minute when it runs
REKEY_TIMEOUT_SECONDS = 600  # a service re-seals its whole database before it answers
HEALTHCHECK_TIMEOUT_SECONDS = 2  # below a container runtime's own limit on the check (3 s)
# what `kring healthcheck` asks the process for; a probe is chosen by a flag that names it
PROBES = {"health": "/api/v1/health", "ready": "/api/v1/ready"}


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
    except Exception as exc:
        if not _is_broker_error(exc):
            raise
        print(f"kring: the broker refused or is unreachable "
              f"({Settings.from_env().amqp_uri.rsplit('@', 1)[-1]}): {exc}", file=sys.stderr)
        return 1


def _is_broker_error(exc):
    from amqp.exceptions import AMQPError
    from kombu.exceptions import OperationalError
    return isinstance(exc, (AMQPError, OperationalError, ConnectionError))


def _parser():
    parser = argparse.ArgumentParser(
        prog="kring", description="Kring: closed-loop referrals for family-support programmes.")
    commands = parser.add_subparsers(metavar="COMMAND")

    run = commands.add_parser("run", help="run services (default: all five and the portal)")
    run.add_argument("services", nargs="*", metavar="SERVICE",
                     help=f"any of: {', '.join(RUNNABLE)}")
    run.add_argument("--dev", action="store_true",
                     help="development mode: without KRING_SECRET, use the fixed development key")
    run.set_defaults(func=_run)

    login = commands.add_parser("login-link", help="print a one-time link that signs a person "
                                "in to the portal (valid for 15 minutes)")
    login.add_argument("--org", required=True, help="the person's organisation")
    login.add_argument("--role", required=True, help="referrer, coordinator, admin, ...")
    login.add_argument("--subject", required=True, help="the person, as a token's `sub`")
    login.set_defaults(func=_login_link)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(metavar="ACTION")
    create = token_commands.add_parser("create", help="print a signed bearer token")
    create.add_argument("--org", required=True, help="the caller's organisation")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--subject", required=True,
                        help="the person: who within the organisation (a supporter's token "
                             "names the supporter_id); every change and read records it")
    create.add_argument("--ttl", type=int, default=8 * 3600,
                        help="seconds (default 8 hours, at most 12)")
    create.add_argument("--dev", action="store_true",
                        help="sign with the fixed development key when KRING_SECRET is unset "
                             "(only `kring run --dev`, make run, accepts such a token)")
    create.set_defaults(func=_token_create)

    status = commands.add_parser("status", help="a referral's status and timeline")
    status.add_argument("referral_id")
    status.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS,
                        help="seconds to wait for the referral service (default 10)")
    status.set_defaults(func=_status)
    audit = commands.add_parser("audit", help="who read or changed a referral's data, in all "
                                "five services (recorded as your read)")
    audit.add_argument("referral_id")
    audit.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS,
                       help="seconds to wait for each service (default 10)")
    audit.set_defaults(func=_audit)
    trace = commands.add_parser("trace", help="every step of a referral in every service, in "
                                "time order, with its correlation id (ids and codes only)")
    trace.add_argument("referral_id")
    trace.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS,
                       help="seconds to wait for each service (default 10)")
    trace.set_defaults(func=_trace)
    erase = commands.add_parser("erase", help="erase the family's data of a referral in every "
                                "service (an open one is withdrawn first) and wait until each "
                                "has reported it done (recorded as your change)")
    erase.add_argument("referral_id")
    erase.add_argument("--reason", required=True,
                       help="the grounds, e.g. the family's request of a date (kept with the "
                            "erasure record: write nothing about the family in it)")
    erase.add_argument("--timeout", type=float, default=ERASE_WAIT_SECONDS,
                       help="seconds to wait for every service to report (default 60)")
    erase.set_defaults(func=_erase)
    notices = commands.add_parser("notices", help="the notices of a referral: sent, pending, "
                                  "suppressed, with their delivery attempts")
    notices.add_argument("referral_id")
    notices.add_argument("--mail", action="store_true",
                         help="also each notice written as a file (no SMTP server), opened: "
                              "the files are encrypted like the databases (family-related "
                              "data: read only what you must)")
    notices.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS)
    notices.set_defaults(func=_notices)

    rekey = commands.add_parser("rekey", help="seal every service's family data again under "
                                "the data key that seals now (the first of KRING_DATA_KEYS)")
    rekey.add_argument("services", nargs="*", metavar="SERVICE",
                       help=f"any of: {', '.join(SERVICES)} (default: all five)")
    rekey.add_argument("--timeout", type=float, default=REKEY_TIMEOUT_SECONDS,
                       help="seconds to wait for each service (default 600)")
    rekey.set_defaults(func=_rekey)

    migrate = commands.add_parser("migrate", help="bring each service's database schema to "
                                  "this version's newest revision (services do so as they "
                                  "start, too)")
    migrate.add_argument("services", nargs="*", metavar="SERVICE",
                         help=f"any of: {', '.join(SERVICES)} (default: all five)")
    migrate.set_defaults(func=_migrate)

    provider = commands.add_parser("provider", help="the provider directory: which "
                                   "organisation coordinates which programme where")
    provider_commands = provider.add_subparsers(metavar="ACTION")
    register = provider_commands.add_parser(
        "register", help="register the provider(s) in FILE.json: one registerProvider body "
        "or a list of them; the same organisation and programme again replaces its entry")
    register.add_argument("file", metavar="FILE.json")
    register.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS)
    register.set_defaults(func=_provider_register)
    listing = provider_commands.add_parser("list", help="the providers, of one municipality "
                                           "or all")
    listing.add_argument("--municipality", help="a CBS code (GM0344) or a name")
    listing.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS)
    listing.set_defaults(func=_provider_list)

    report = commands.add_parser("report", help="anonymous figures per programme, "
                                 "municipality and period (getReports, as the operator)")
    report.add_argument("--programme", help="one programme's code, e.g. home-start")
    report.add_argument("--municipality", help="a CBS code (GM0344) or a name")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                        help="first day (default: 1 January of --to's year)")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                        help="last day (default: today, UTC)")
    report.add_argument("--period", choices=("month", "quarter", "year"), default="month")
    report.add_argument("--csv", action="store_true", help="print the table as CSV")
    report.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS)
    report.set_defaults(func=_report)

    partner = commands.add_parser("partner", help="try the partner queues as an integrator "
                                  "(AMQP_URI carries the partner's broker account)")
    partner_commands = partner.add_subparsers(metavar="ACTION")
    submit = partner_commands.add_parser("submit", help="submit the referral in FILE.json")
    submit.add_argument("file", metavar="FILE.json")
    submit.add_argument("--message-id", help="default: a new UUID")
    submit.set_defaults(func=_partner_submit)
    listen = partner_commands.add_parser("listen", help="print this partner's updates as they "
                                         "arrive (Ctrl-C stops)")
    listen.add_argument("--timeout", type=float, help="stop after this many quiet seconds")
    listen.set_defaults(func=_partner_listen)

    dlq = commands.add_parser("dlq", help="messages the services parked after every retry")
    dlq_commands = dlq.add_subparsers(metavar="ACTION")
    dlq_list = dlq_commands.add_parser(
        "list", help="how many are parked, per service (and `partner`: refused partner "
                     "messages), each one's age and when the broker drops it")
    dlq_list.set_defaults(func=_dlq_list)
    dlq_policy = dlq_commands.add_parser(
        "policy", help="print the rabbitmqctl line that makes the broker drop a parked "
                       "message after KRING_RETENTION_DAYS")
    dlq_policy.add_argument("--vhost", default="/")
    dlq_policy.set_defaults(func=_dlq_policy)
    for action, func, text in (("show", _dlq_show, "each parked message with its error"),
                               ("replay", _dlq_replay, "send them back to their queue"),
                               ("purge", _dlq_purge, "delete them for good")):
        sub = dlq_commands.add_parser(action, help=text)
        sub.add_argument("service", choices=SERVICES if action == "replay"
                         else SERVICES + ("partner",))
        if action == "show":
            sub.add_argument("--body", action="store_true",
                             help="also each message as the service keeps it (partner: each "
                                  "refused message as the referral service keeps it); family "
                                  "data: read only what you must")
        sub.add_argument("--timeout", type=float, default=RPC_TIMEOUT_SECONDS,
                         help="seconds to wait for the service, which keeps the bodies "
                              "(default 10)")
        if action == "replay":
            sub.add_argument("numbers", nargs="*", type=int, metavar="N",
                             help="only these (numbers from `show`); default: all")
        if action == "purge":
            sub.add_argument("--yes", action="store_true", required=True,
                             help="yes, delete them")
        sub.set_defaults(func=func)

    doctor = commands.add_parser("doctor", help="check the configuration before it is used: "
                                 "broker, definitions, databases, mail server, TLS files, keys")
    doctor.set_defaults(func=_doctor)

    broker = commands.add_parser("broker", help="the broker's set-up")
    broker_commands = broker.add_subparsers(metavar="ACTION")
    definitions = broker_commands.add_parser(
        "definitions", help="print the broker definitions with the users' passwords from "
                            "KRING_BROKER_PASSWORD_<USER>, for a real broker")
    definitions.set_defaults(func=_broker_definitions)

    certificate = commands.add_parser(
        "gateway-certificate", help="make a self-signed certificate for the gateway in FOLDER "
                                    "(tls.crt, tls.key), unless one is there: for development")
    certificate.add_argument("folder")
    certificate.add_argument("--name", action="append", dest="names",
                             help="a host name or IP address it is for (repeatable; default "
                                  "localhost and 127.0.0.1)")
    certificate.set_defaults(func=_gateway_certificate)

    healthcheck = commands.add_parser(
        "healthcheck", help="exit 0 when the `kring run` process on this machine answers its "
                            "health operation, or with --ready its readiness (a container's "
                            "health check)")
    healthcheck.add_argument("--ready", dest="probe", action="store_const", const="ready",
                             default="health", help="ask GET /api/v1/ready (database, broker "
                             "and consumers) instead of /api/v1/health (the process lives)")
    healthcheck.add_argument("--port", type=int,
                             help="the process's HTTP port (default: KRING_HTTP_PORT)")
    healthcheck.add_argument("--timeout", type=float, default=HEALTHCHECK_TIMEOUT_SECONDS,
                             help="seconds to wait for the answer (default 2)")
    healthcheck.set_defaults(func=_healthcheck)

    demo = commands.add_parser("demo", help="walk three families through the whole flow on a "
                               "running Kring (start it with `make run` first)")
    demo.add_argument("--url", help="the API's base URL (default http://localhost:"
                      "$KRING_HTTP_PORT)")
    demo.set_defaults(func=_demo)
    return parser


def _doctor(_args):
    from kring.doctor import examine, report
    text, code = report(examine())
    print(text)
    return code


def _broker_definitions(_args):
    """deploy/rabbitmq/definitions.json with real passwords: every user but the example partner
    must have one (it is left out unless its variable is set)."""
    import json

    from kring.deployment import EXAMPLE_PARTNER, broker_definitions, broker_users, \
        password_variable
    passwords, missing = {}, []
    for name, _, _ in broker_users():
        password = os.environ.get(password_variable(name))
        if password:
            passwords[name] = password
        elif name != EXAMPLE_PARTNER:
            missing.append(password_variable(name))
    if missing:
        print(f"kring: set the broker users' passwords first: {', '.join(missing)}",
              file=sys.stderr)
        return 2
    print(json.dumps(broker_definitions(passwords=passwords), indent=2))
    return 0


def _run(args):
    from kring.runner import run_services
    return run_services(args.services or list(RUNNABLE), dev=args.dev)


def _login_link(args):
    from services.portal.signin import issue_link
    settings = Settings.from_env()
    try:
        link = issue_link(settings, args.org, args.role, args.subject)
    except ValueError as exc:
        print(f"kring: {exc}", file=sys.stderr)
        return 2
    print(link)  # alone on stdout, so that LINK=$(kring login-link ...) works
    return 0


def _token_create(args):
    from kring.kit.auth import create_token
    settings = Settings.from_env()
    try:
        token = create_token(settings.signing_key(dev=args.dev), args.org, args.role,
                             args.subject, args.ttl)
    except ValueError as exc:
        print(f"kring: {exc}", file=sys.stderr)
        return 2
    print(token)  # alone on stdout, so that TOKEN=$(kring token create ...) works
    return 0


def _ask(service, method, *args, timeout):
    """(answer, exit code): an RPC to a running service, with the operator's error messages."""
    from kring.rpc import call
    settings = Settings.from_env()
    try:
        return call(settings.amqp_uri, service, method, *args, timeout=timeout,
                    ssl=settings.amqp_ssl), 0
    except TimeoutError:
        print(f"kring: the {service} service did not answer within {timeout:g} s. "
              f"Is `kring run` running against {settings.amqp_uri}?", file=sys.stderr)
    except OSError as exc:
        print(f"kring: cannot reach the broker at {settings.amqp_uri}: {exc}", file=sys.stderr)
    return None, 1


def _operator():
    """Who runs the command, for the audit trail: the login of this machine's user."""
    import getpass
    import os
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container's user without a name
        return f"uid {os.getuid()}"


def _operator_read(method, args):
    """(the referral service's answer, 0) to an operator's read of a referral, which it records
    in the audit trail; or (None, exit status) after saying why there is none."""
    answer, failed = _ask("referral", method, args.referral_id, _operator(),
                          timeout=args.timeout)
    if not failed and answer is None:
        print(f"kring: no referral {args.referral_id}", file=sys.stderr)
        failed = 1
    return answer, failed


def _status(args):
    from kring.describe import describe
    referral, failed = _operator_read("referral_status", args)
    if failed:
        return failed
    print(describe(referral))
    return 0


def _audit(args):
    from kring.audit_trail import TrailIncomplete, full_trail
    from kring.describe import describe_trail
    own, failed = _operator_read("audit_read", args)
    if failed:
        return failed
    try:
        settings = Settings.from_env()
        entries = full_trail(settings.amqp_uri, args.referral_id, timeout=args.timeout,
                             own=("referral", own), ssl=settings.amqp_ssl)
    except TrailIncomplete as exc:
        print(f"kring: the audit trail of {args.referral_id} is incomplete: {exc}. Is `kring "
              f"run {exc.service}` running?", file=sys.stderr)
        return 1
    print(describe_trail(args.referral_id, entries))
    return 0


def _trace(args):
    """The operator's view of one referral's way through the services: ids, codes, times and
    correlation ids, no family data, so it is not a read of the family's data (nothing goes
    into the audit trail)."""
    from kring.trace import TraceIncomplete, describe_trace, full_trace
    try:
        steps = full_trace(Settings.from_env().amqp_uri, args.referral_id,
                           timeout=args.timeout)
    except TraceIncomplete as exc:
        print(f"kring: the trace of {args.referral_id} is incomplete: {exc}. Is `kring run "
              f"{exc.service}` running?", file=sys.stderr)
        return 1
    if steps is None:
        print(f"kring: no referral {args.referral_id}", file=sys.stderr)
        return 1
    print(describe_trace(args.referral_id, steps))
    return 0


def _erase(args):
    import time

    from kring.describe import describe_erasure
    state, failed = _ask("referral", "erase", args.referral_id, args.reason, _operator(),
                         timeout=RPC_TIMEOUT_SECONDS)
    if failed:
        return failed
    if state is None:
        print(f"kring: no referral {args.referral_id}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + args.timeout
    while not state["complete"] and time.monotonic() < deadline:
        time.sleep(0.5)  # the services erase by events: ask again in a moment
        state, failed = _ask("referral", "erasure_state", args.referral_id,
                             timeout=RPC_TIMEOUT_SECONDS)
        if failed:
            return failed
    print(describe_erasure(state))
    if not state["complete"]:
        print(f"kring: not every service has reported within {args.timeout:g} s: "
              f"{', '.join(state['waiting_for'])}. Is `kring run` running for them? "
              "`kring erase` again asks them again.", file=sys.stderr)
        return 1
    return 0


def _rekey(args):
    """Each running service seals its own database again (kring.kit.rekey); idempotent, so a
    run cut short is simply run again."""
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        print(f"kring: no service {', '.join(unknown)} (any of: {', '.join(SERVICES)})",
              file=sys.stderr)
        return 2
    failed = 0
    for service in args.services or SERVICES:
        counts, failure = _ask(service, "rekey", timeout=args.timeout)
        if failure:
            failed = failure
            continue
        tables = ", ".join(f"{table} {count}" for table, count in counts.items())
        print(f"{service}: {sum(counts.values())} values sealed again ({tables})")
    return failed


def _migrate(args):
    """Each service's database, one after the other, in this process: no broker, no running
    service needed. Safe while replicas start or run (kring.kit.migrations)."""
    from kring.kit.db import make_engine
    from kring.kit.failures import describe as describe_failure
    from kring.kit.migrations import UnknownRevision, describe, migrate
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        print(f"kring: no service {', '.join(unknown)} (any of: {', '.join(SERVICES)})",
              file=sys.stderr)
        return 2
    settings = Settings.from_env()
    failed = 0
    for service in args.services or SERVICES:
        engine = make_engine(settings.databases[service])
        try:
            print(f"{service}: {describe(*migrate(engine, service))}")
        except UnknownRevision as exc:
            print(f"kring: {exc}", file=sys.stderr)
            failed = 1
        except Exception as exc:  # the database is away or refuses: said, the others go on
            print(f"kring: {service}: the schema could not be migrated: "
                  f"{describe_failure(exc)}", file=sys.stderr)
            failed = 1
        finally:
            engine.dispose()
    return failed


def _json_file(path):
    """(the JSON value in `path`, 0), or (None, 2) after saying why it cannot be read."""
    import json
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle), 0
    except (OSError, ValueError) as exc:
        print(f"kring: cannot read {path}: {exc}", file=sys.stderr)
        return None, 2


def _provider_register(args):
    from kring.describe import describe_registered
    entries, failed = _json_file(args.file)
    if failed:
        return failed
    entries = [entries] if isinstance(entries, dict) else entries
    if not isinstance(entries, list):
        print(f"kring: {args.file} must hold a registerProvider body or a list of them",
              file=sys.stderr)
        return 2
    answers, failed = _ask("referral", "register_providers", entries, timeout=args.timeout)
    if failed:
        return failed
    for number, (entry, answer) in enumerate(zip(entries, answers), 1):
        print(describe_registered(number, entry, answer),
              file=sys.stderr if "error" in answer else sys.stdout)
    return 1 if any("error" in answer for answer in answers) else 0


def _provider_list(args):
    from kring.describe import describe_programmes, field_errors
    listing, failed = _ask("referral", "programmes", args.municipality, timeout=args.timeout)
    if failed:
        return failed
    if "error" in listing:
        print(f"kring: {field_errors(listing['error']['errors'])}", file=sys.stderr)
        return 2
    print(describe_programmes(listing))
    return 0


def _report(args):
    from kring.describe import field_errors
    from kring.report_text import as_csv, describe_report
    query = {"programme": args.programme, "municipality": args.municipality,
             "from": args.start, "to": args.end, "period": args.period}
    # the referral service asks casework for its hours meanwhile: give that time too
    answer, failed = _ask("referral", "report", query, timeout=args.timeout * 2)
    if failed:
        return failed
    if "error" in answer:
        error = answer["error"]
        why = field_errors(error["errors"]) if error.get("errors") else error["message"]
        print(f"kring: {why}", file=sys.stderr)
        return 2 if error["status"] == 422 else 1
    if args.csv:
        sys.stdout.write(as_csv(answer))
    else:
        print(describe_report(answer))
    return 0


def _notices(args):
    from kring.describe import describe_notices
    # the person in notify's audit trail: whoever runs the command on this machine
    notices, failed = _ask("notify", "notices", args.referral_id, _operator(), args.mail,
                           timeout=args.timeout)
    if failed:
        return failed
    print(describe_notices(args.referral_id, notices))
    return 0


def _partner_submit(args):
    from kring.partner_client import PartnerClient
    body, failed = _json_file(args.file)
    if failed:
        return failed
    settings = Settings.from_env()
    client = PartnerClient(settings.amqp_uri, settings.amqp_ssl)
    try:
        message_id = client.submit_referral(body, args.message_id)
    except Exception as exc:  # the broker's refusal, said plainly to the integrator
        print(f"kring: the broker did not take the message: {exc}", file=sys.stderr)
        return 1
    print(message_id)
    return 0


def _partner_listen(args):
    import json

    from kring.partner_client import PartnerClient
    settings = Settings.from_env()
    client = PartnerClient(settings.amqp_uri, settings.amqp_ssl)
    try:
        for update in client.updates(timeout=args.timeout):
            print(json.dumps(update), flush=True)
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        print(f"kring: cannot follow the updates: {exc}", file=sys.stderr)
        return 1
    return 0


def _dlq_list(_args):
    from kring import dlq
    from kring.clock import utcnow
    settings = Settings.from_env()
    now = utcnow()
    for service, count in dlq.counts(settings.amqp_uri, ssl=settings.amqp_ssl).items():
        print(f"{service:<10} {count} parked")
        for item in dlq.peek(settings.amqp_uri, service, ssl=settings.amqp_ssl) if count else []:
            print(f"  #{item.number}  {_expiry(item, now, settings.retention_days)}")
    return 0


def _expiry(item, now, retention_days):
    """The age of a parked message and when the broker drops it, with a warning when soon."""
    from kring import dlq
    left = item.expires_in(now, retention_days)
    if left is None:
        return "parked before Kring noted when; the broker drops it at the latest " \
               f"{retention_days} days after it was parked"
    age = (now - item.parked_at).days
    said = f"parked {age} day(s) ago; the broker drops it in {max(left.days, 0)} day(s)"
    return said + (" — EXPIRES SOON: replay or note what you need now" if left < dlq.SOON
                   else "")


def _dlq_policy(args):
    from kring.contracts.topology import set_policy_command
    print(set_policy_command(Settings.from_env().retention_days, args.vhost))
    return 0


def _dlq_show(args):
    from kring import dlq
    settings = Settings.from_env()
    parked = dlq.peek(settings.amqp_uri, args.service, ssl=settings.amqp_ssl)
    if not parked:
        print(f"nothing parked for {args.service}")
    kept = {}
    if args.body and args.service != "partner":
        kept, failed = _asked(args.service, dlq.bodies, settings.amqp_uri, args.service, parked,
                              timeout=args.timeout)
        if failed:
            return failed
    for item in parked:
        print(_describe_parked(item))
        if item.parked_id is None:  # parked before bodies were kept in the database
            print("\n".join("    " + line for line in item.body.splitlines()))
        elif args.body:
            _show_kept(kept.get(item.parked_id))
        if args.service == "partner" and args.body:
            failed = _show_refused(item, args.timeout)
            if failed:
                return failed
    return 0


def _describe_parked(item):
    said = f"#{item.number}  from {item.queue}, {item.attempts} attempts, " \
           f"message {item.message_id}"
    if item.message_type:
        said += f", type {item.message_type}"
    if item.parked_id:
        said += f", parked {item.parked_id}"
    return said + f"\n    error: {item.error}"


def _show_kept(kept):
    """A parked message's body as its service keeps it (`kring dlq show SERVICE --body`)."""
    if kept is None:
        print("    kept: no longer (erased with its referral, or past the retention period)")
        return
    print(f"    kept: as {kept['content_type']}\n"
          + "\n".join("    | " + line for line in _pretty(kept["body"]).splitlines()))


def _pretty(text):
    import json
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _asked(service, ask, *args, timeout):
    """(what `ask(*args, timeout=...)` answered, 0), or (None, 1) after saying that `service`
    did not answer."""
    settings = Settings.from_env()
    try:
        return ask(*args, timeout=timeout, ssl=settings.amqp_ssl), 0
    except TimeoutError:
        print(f"kring: the {service} service did not answer within {timeout:g} s; it keeps "
              f"the bodies of its parked messages. Is `kring run` running against "
              f"{settings.amqp_uri}?", file=sys.stderr)
    except OSError as exc:
        print(f"kring: cannot reach the broker at {settings.amqp_uri}: {exc}", file=sys.stderr)
    return None, 1


def _show_refused(item, timeout):
    """The refused message a partner dead letter names, as the referral service keeps it."""
    import json
    refused_id = json.loads(item.body).get("refused_id")
    kept, failed = _ask("referral", "refused_submission", refused_id, timeout=timeout)
    if failed:
        return failed
    if kept is None:
        print("    kept: no longer (past the retention period)")
        return 0
    print(f"    kept: {kept['body_size']} bytes received, as {kept['content_type']}\n"
          + "\n".join("    | " + line for line in kept["body"].splitlines()))
    return 0


def _dlq_replay(args):
    from kring import dlq
    settings = Settings.from_env()
    done, failed = _asked(args.service, dlq.replay, settings.amqp_uri, args.service,
                          set(args.numbers) or None, timeout=args.timeout)
    if failed:
        return failed
    print(f"replayed {done.replayed} message(s) of {args.service}")
    if done.gone:
        print(f"{done.gone} no longer kept (erased with its referral, or past the retention "
              "period): removed from the queue")
    return 0


def _dlq_purge(args):
    from kring import dlq
    settings = Settings.from_env()
    count, failed = _asked(args.service, dlq.purge, settings.amqp_uri, args.service,
                           timeout=args.timeout)
    if failed:
        return failed
    print(f"purged {count} message(s) of {args.service}")
    return 0


def _gateway_certificate(args):
    from kring import selfsigned
    names = tuple(args.names or selfsigned.DEFAULT_NAMES)
    made = selfsigned.ensure(args.folder, names)
    print(f"{'made' if made else 'kept'} the gateway's certificate in {args.folder} "
          f"({selfsigned.CERTIFICATE}, {selfsigned.KEY})")
    return 0


def _healthcheck(args):
    """GET the probe's path on this machine's own `kring run` process: exit 0 on its 200.
    Standard library only, and no broker: it runs every few seconds in every container."""
    import urllib.error
    import urllib.request
    port = args.port or Settings.from_env().http_port
    url = f"http://127.0.0.1:{port}{PROBES[args.probe]}"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:  # refused, timed out, reset
        print(f"kring: {url} did not answer: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"kring: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


def _demo(args):
    from kring.demo import run_demo
    settings = Settings.from_env()
    if not settings.secret:
        print("kring: KRING_SECRET is not set; the demo signs its tokens with the development "
              "key, which `make run` accepts.", file=sys.stderr)
    url = args.url or f"http://localhost:{settings.http_port}"

    def notices(referral_id):
        answer, failed = _ask("notify", "notices", referral_id, _operator(),
                              timeout=RPC_TIMEOUT_SECONDS)
        return [] if failed else answer

    return run_demo(url, settings.signing_key(dev=True), notices)


if __name__ == "__main__":
    sys.exit(main())
