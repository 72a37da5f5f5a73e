"""One handler per spec operation, built from its classified endpoint: list, create, get, update, delete, sublist.

Creates answer the 2xx their operation documents: 201 (the vendor's status list), except a product create,
which answers 200 as the vendor's worked example says (V5, MCF-Q20); updates answer 200 with the item;
deletes answer 204 with no body. Write responses carry
`translations` where the resource has them, as the vendor's create/update examples do; reads show them only
with `expand=translations`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._serving import Call, Handler, Reply
from .errors import McfError
from .listing import page_of
from .resources import Endpoint, Resource
from .rules import Rules
from .state import Record, StoreState
from .views import Expansions, parse_expand, render
from .writes import create, update

__all__ = ["make_handlers"]

Factory = Callable[[StoreState, Endpoint, Resource, Rules], Handler]


def make_handlers(
    state: StoreState, endpoints: Mapping[str, Endpoint], rules: Mapping[str, Rules]
) -> dict[str, Handler]:
    """A handler for every endpoint; a resource without its own rules gets the plain ones."""
    plain = Rules()
    handlers: dict[str, Handler] = {}
    for operation_id, endpoint in endpoints.items():
        resource = state.resources[endpoint.resource]
        handlers[operation_id] = _FACTORIES[endpoint.action](
            state, endpoint, resource, rules.get(endpoint.resource, plain)
        )
    return handlers


def _expand(endpoint: Endpoint, call: Call) -> Expansions:
    # Only where the spec declares `expand` (and so has validated it); elsewhere it is an unknown, ignored parameter.
    return parse_expand(call.query.get("expand", ())) if endpoint.expands else {}


def _write_expansions(resource: Resource) -> Expansions:
    return {"translations": frozenset()} if resource.translatable else {}


def _found(state: StoreState, endpoint: Endpoint, rules: Rules, call: Call) -> Record:
    assert endpoint.key_param is not None
    key = call.path_params[endpoint.key_param]
    if endpoint.key_field is None:
        record = rules.find(state, endpoint.resource, key)
    else:
        record = rules.find_by(state, endpoint.resource, endpoint.key_field, key)
    if record is None:
        noun = endpoint.resource.rstrip("s").replace("-", " ")
        raise McfError.not_found(endpoint.key_param, f"No {noun} {key!r} in this store.")
    return record


def _path(endpoint: Endpoint, call: Call) -> str:
    return endpoint.base_path + call.operation.path.format(**call.path_params)


def _list(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    def handler(call: Call) -> Reply:
        table = state.table(resource.name)  # looked up per call: a reset replaces the tables
        expand = _expand(endpoint, call)
        data, meta = page_of(
            table.values(),
            count=len(table),
            query=call.query,
            filters=endpoint.filters,
            path=_path(endpoint, call),
            extra=_extra(table),
        )
        return 200, {"data": [render(state, resource, rules, item, expand) for item in data], "meta": meta}

    return handler


def _extra(table: Any) -> Callable[[Record, str], Any]:
    return lambda item, field: table.extra.get(item["id"], {}).get(field)


def _sublist(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    assert endpoint.sub is not None
    sub = endpoint.sub
    child = state.resources.get(sub) or resource
    if child.schema == resource.schema:  # subcategories are categories: their writable fields and expansions
        child = resource

    def handler(call: Call) -> Reply:
        parent = _found(state, endpoint, rules, call)
        expand = _expand(endpoint, call)
        data, meta = page_of(
            rules.sublist(state, parent, sub),
            count=None,
            query=call.query,
            filters=endpoint.filters,
            path=_path(endpoint, call),
        )
        return 200, {"data": [render(state, child, rules, item, expand) for item in data], "meta": meta}

    return handler


def _get(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    def handler(call: Call) -> Reply:
        record = _found(state, endpoint, rules, call)
        return 200, {"data": render(state, resource, rules, record, _expand(endpoint, call))}

    return handler


def _create(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    def handler(call: Call) -> Reply:
        state.actor = call.principal
        record = create(state, resource, rules, _body(call))
        return endpoint.success, {"data": render(state, resource, rules, record, _write_expansions(resource))}

    return handler


def _update(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    def handler(call: Call) -> Reply:
        state.actor = call.principal
        record = update(state, resource, rules, _found(state, endpoint, rules, call), _body(call))
        return 200, {"data": render(state, resource, rules, record, _write_expansions(resource))}

    return handler


def _delete(state: StoreState, endpoint: Endpoint, resource: Resource, rules: Rules) -> Handler:
    def handler(call: Call) -> Reply:
        record = _found(state, endpoint, rules, call)
        rules.deleting(state, record)
        state.table(resource.name).remove(record["id"])
        state.forget(resource.name, record)
        return 204, b""

    return handler


def _body(call: Call) -> dict[str, Any]:
    body = call.body
    if not isinstance(body, dict):  # the spec's input schemas are objects; a body-less request lands here
        raise McfError.invalid("body", "The request body must be a JSON object.")
    return body


_FACTORIES: dict[str, Factory] = {
    "list": _list,
    "sublist": _sublist,
    "get": _get,
    "create": _create,
    "update": _update,
    "delete": _delete,
}
