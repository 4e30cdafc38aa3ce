"""HTTP for the services: one listening socket per process, and the `api` entrypoint.

`@api("submitReferral")` takes method, path and roles from kring.contracts.api, checks the bearer
token against the rule table (kring.contracts.access), parses and validates the JSON body and the
query, and calls the method with (caller, body, query, **path), leaving out what the operation
does not have. Every failure becomes a JSON answer with the status of docs/contract.md §4; a bug
becomes a plain 500 with no stack trace, logged for the operator. No answer to a signed-in caller
may be kept by a cache: most carry a family's data.
"""
import json
import logging
import sys
import time

import eventlet
import eventlet.wsgi
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound as RouteNotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from kring.config import PREVIOUS_SECRET_KEY, SECRET_KEY, TRUSTED_PROXIES_KEY
from kring.contracts.api import OPERATIONS
from kring.contracts.fields import MAX_BODY_BYTES, one, read_json_object, storable
from kring.errors import (INVALID_BODY, INVALID_QUERY, Invalid, KringError, Malformed, NotFound,
                          NotReady, RateLimited, Unauthenticated, Unavailable)
from kring.kit import correlation, logs, metrics, remote
from kring.kit.access import PUBLIC_ORGANISATION, PUBLIC_PERSON, PUBLIC_ROLE, Caller
from kring.kit.auth import Identity, read_token
from kring.kit.broker_watch import BrokerWatch
from kring.kit.failures import describe, trace

log = logging.getLogger(__name__)
logs.one_line_for_client_mistakes()  # nameko's warning of a 404 with a traceback: left out

JSON = "application/json"
RETRY_AFTER_SECONDS = 5
PRIVATE = {"Cache-Control": "no-store"}


def json_response(status, payload, headers=None):
    return Response(json.dumps(payload), status=status, mimetype=JSON, headers=headers)


def error_response(status, code, message, errors=None, headers=None):
    payload = {"error": code, "message": message}
    if errors is not None:
        payload["errors"] = errors
    return json_response(status, payload, headers)


class _Listener:
    """One socket for every service container of the process that serves on one address.

    nameko gives each container its own web server, so two services in one process would both
    bind the port (eventlet sets SO_REUSEPORT, so silently) and the kernel would hand each request
    to either. Here they share one socket and one routing table.
    """

    def __init__(self, address):
        self.address = address
        self.servers = []
        self.url_map = Map()
        self._sock = None
        self._thread = None

    def attach(self, server):
        self.servers.append(server)
        self._rebuild()
        if self._sock is None:
            # no SO_REUSEPORT: a second process on this port must fail loudly, not share it
            self._sock = eventlet.listen(self.address, reuse_port=False)
            self._thread = eventlet.spawn(
                eventlet.wsgi.server, self._sock, self, log=log, log_output=False,
                socket_timeout=30, max_size=1000)

    def detach(self, server):
        if server in self.servers:
            self.servers.remove(server)
        self._rebuild()
        if not self.servers and self._sock is not None:
            self._thread.kill()
            self._sock.close()
            self._sock = None
            return True
        return False

    def _rebuild(self):
        rules = []
        for server in self.servers:
            for provider in server._providers:
                rule = provider.get_url_rule()
                rule.endpoint = provider
                rules.append(rule)
        self.url_map = Map(rules)

    @property
    def port(self):
        return self._sock.getsockname()[1] if self._sock is not None else None

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        scope = correlation.enter(request.headers.get(correlation.HEADER))  # this green thread's
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            scope.service, scope.referral_id = provider.container.service_name, \
                values.get("referral_id")
            response = provider.handle_request(request)
        except MethodNotAllowed as exc:
            response = error_response(405, "method_not_allowed", "method not allowed",
                                      headers={"Allow": ", ".join(exc.valid_methods or [])})
        except (RouteNotFound, RequestRedirect):  # no path of ours is reached by a redirect
            response = error_response(404, "not_found", "no such resource")
        except HTTPException as exc:
            response = error_response(exc.code or 400, "bad_request", exc.description or "")
        if "Authorization" in request.headers:  # answered before any operation could say it
            response.headers.update(PRIVATE)
        response.headers[correlation.HEADER] = scope.correlation_id
        correlation.leave()  # what this green thread runs next is not this request's
        return response(environ, start_response)


_listeners = {}


class ProcessWebServer(WebServer):
    """nameko's WebServer, but sharing one socket per address across the whole process."""

    def start(self):
        address = self.bind_addr
        listener = _listeners.get(address)
        if listener is None:
            listener = _listeners[address] = _Listener(address)
        listener.attach(self)

    def stop(self):
        self._detach()
        super(WebServer, self).stop()

    def context_data_from_headers(self, request):
        # the request's correlation id, for the worker's green thread (kring.kit.correlation)
        return {correlation.WORKER_KEY: correlation.current()}

    def kill(self):
        self._detach()

    def _detach(self):
        listener = _listeners.get(self.bind_addr)
        if listener is not None and listener.detach(self):
            del _listeners[self.bind_addr]


class ApiEntrypoint(HttpRequestHandler):
    """An operation of kring.contracts.api, served with auth, validation and JSON errors."""

    server = ProcessWebServer()
    broker = BrokerWatch()
    calls_before_answer = True  # the providers' `before_answer` (kring.kit.db), every time

    def __init__(self, operation_id, **kwargs):
        self.operation = OPERATIONS[operation_id]
        kwargs.setdefault("expected_exceptions", (KringError,))
        super().__init__(self.operation.method, self.operation.path, **kwargs)

    def get_url_rule(self):
        return Rule(self.url, methods=[self.method])

    def handle_request(self, request):
        started = time.monotonic()
        response = super().handle_request(request)
        metrics.http_answered(self.container.service_name, self.operation.operation_id,
                              response.status_code, time.monotonic() - started)
        return response

    def get_entrypoint_parameters(self, request):
        operation = self.operation
        args = []
        if not operation.public:
            config = self.container.config
            identity = read_token([config[SECRET_KEY], config[PREVIOUS_SECRET_KEY]],
                                  request.headers.get("Authorization"))
            identity.require(*operation.roles)
            path = dict(request.path_values)
            referral_id = path.pop("referral_id", None)
            args.append(Caller(identity, operation.operation_id, referral_id,
                               next(iter(path.values()), None)))
        elif operation.rule.audited:  # public, yet about a family: audited as the public's
            args.append(self._public_caller(request))
        if operation.method != "GET" and not self.broker.reachable:
            # checked before anything is read or stored: the caller keeps the work and retries
            raise Unavailable("the message broker is unreachable, so nothing can move on; "
                              "nothing was stored: send it again shortly")
        for value in request.path_values.values():
            if not storable(value):  # no id of ours holds one; PostgreSQL would refuse the query
                raise NotFound("nothing is known by that id")
        if operation.body is not None:
            args.append(self._read_body(request))
        if operation.query is not None:
            args.append(self._read_query(request))
        return tuple(args), dict(request.path_values)

    def _public_caller(self, request):
        caller = Caller(Identity(PUBLIC_ORGANISATION, PUBLIC_ROLE, PUBLIC_PERSON),
                        self.operation.operation_id)
        proxies = remote.networks(self.container.config.get(TRUSTED_PROXIES_KEY) or
                                  ",".join(remote.DEFAULT_TRUSTED))
        caller.remote = remote.client_address(request.remote_addr, request.headers, proxies)
        return caller

    def _read_query(self, request):
        values = {}
        for name, given in request.args.lists():
            if len(given) > 1:
                raise Invalid(INVALID_QUERY, {name: ["give it once"]})
            values[name] = given[0]
        formats = self.operation.formats
        if formats and "format" not in values:  # the query's own format wins over Accept
            best = request.accept_mimetypes.best_match([JSON, *formats])  # */*: JSON
            if best in formats:
                values["format"] = formats[best]
        try:
            return one(self.operation.query).load(values)
        except ValidationError as exc:
            raise Invalid(INVALID_QUERY, exc.messages) from None

    def _read_body(self, request):
        if request.content_length and request.content_length > MAX_BODY_BYTES:
            raise Malformed(f"the body is larger than {MAX_BODY_BYTES} bytes")
        payload = read_json_object(_raw_body(request), empty_is_object=True)
        try:
            return one(self.operation.body).load(payload)
        except ValidationError as exc:
            raise Invalid(INVALID_BODY, exc.messages) from None

    def handle_result(self, event, worker_ctx, result, exc_info):
        # nameko answers here, before the dependencies' worker_result: what must be stored
        # before the caller hears the answer (the audit record of a failed call) happens first
        try:
            for provider in self.container.dependencies:
                before_answer = getattr(provider, "before_answer", None)
                if before_answer is not None:
                    before_answer(worker_ctx, result, exc_info)
        except Exception:  # a read's record could not be stored: it answers that, not its data
            result, exc_info = None, sys.exc_info()
        return super().handle_result(event, worker_ctx, result, exc_info)

    def check_signature(self, args, kwargs):
        pass  # our own parameters are built from the operation, not the caller's request

    def response_from_result(self, result):
        if isinstance(result, Response):
            response = result
        else:
            status, payload = result if isinstance(result, tuple) else (
                self.operation.success, result)
            response = json_response(status, payload)
        return self._private(response)

    def response_from_exception(self, exc):
        return self._private(self._error_response(exc))

    def _private(self, response):
        if not self.operation.public:
            response.headers.update(PRIVATE)
        return response

    def _error_response(self, exc):
        if isinstance(exc, KringError):
            logs.client_mistake(log, self.operation.operation_id, exc)
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else \
                {"Retry-After": str(RETRY_AFTER_SECONDS)} if isinstance(exc, Unavailable) else \
                {"Retry-After": str(exc.retry_after)} if isinstance(exc, (RateLimited, NotReady)) \
                else None
            return error_response(exc.status, exc.code, exc.message, exc.errors, headers)
        if isinstance(exc, DBAPIError) and exc.connection_invalidated or \
                isinstance(exc, OperationalError):
            # the database is away or busy: nothing was stored; the caller should try again
            log.warning("database unavailable in %s: %s", self.operation.operation_id,
                        describe(exc))
            return error_response(503, "unavailable", "temporarily unavailable; try again",
                                  headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        log.error("unexpected error in %s (correlation id %s):\n%s",
                  self.operation.operation_id, correlation.current(), trace(exc))
        return error_response(500, "internal", "something went wrong on our side; it is logged")


def _raw_body(request):
    """The body's bytes, also when it comes in chunks without a Content-Length (werkzeug then
    reads nothing): read up to one byte past the limit, so that a larger one is refused."""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return request.environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    return request.get_data(cache=False)


api = ApiEntrypoint.decorator
