"""Quirk probes for the Mash docs: each returns True while its quirk is still in a spec."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from specforge.ledger import ProbeRegistry
from specforge.openapi import iter_operations

PROBES = ProbeRegistry("mash")

_JSON = "application/json"
_REPORT = "/merchants/{merchantId}/report"
# The four methods whose 200 example is an OrderResult, and the four whose body is mandatory.
_ORDER_RESULT_OPS = (
    ("/orders", "post"),
    ("/orders/{orderId}", "get"),
    ("/orders/{orderId}/charge", "post"),
    ("/orders/{orderId}/refunds", "post"),
)
_BODY_OPS = (
    ("/orders", "post"),
    ("/orders/{orderId}/charge", "post"),
    ("/orders/{orderId}/refunds", "post"),
    ("/merchants", "post"),
)


def _props(spec: Mapping[str, Any], schema: str) -> Mapping[str, Any]:
    props: Mapping[str, Any] = spec["components"]["schemas"][schema]["properties"]
    return props


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for operation in iter_operations(spec):
        yield operation.path, operation.node


def _types(schema: Mapping[str, Any]) -> set[str]:
    """Every JSON type a schema allows through `type` and its anyOf/oneOf members ($refs not followed)."""
    found: set[str] = set()
    declared = schema.get("type")
    if isinstance(declared, str):
        found.add(declared)
    elif isinstance(declared, list):
        found.update(declared)
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key, []):
            found |= _types(member)
    return found


def _untyped(schema: Mapping[str, Any]) -> bool:
    return not any(key in schema for key in ("type", "$ref", "anyOf", "oneOf", "allOf", "enum"))


def _example(operation: Mapping[str, Any], *, request: bool) -> Any:
    """The value of a method's "Example 1": its request body, or its 200 response body."""
    owner = operation["requestBody"] if request else operation["responses"]["200"]
    return owner["content"][_JSON]["examples"]["Example 1"]["value"]


@PROBES.quirk("MASH-Q01")
def servers_are_blank(spec: Mapping[str, Any]) -> bool:
    """API endpoints: the production and test URLs are blank in the capture."""
    return any(server.get("url", "") == "" for server in spec.get("servers", []))


@PROBES.quirk("MASH-Q02")
def payout_report_path_has_query_string(spec: Mapping[str, Any]) -> bool:
    """Get payout report: the path key carries a sample query string."""
    return any("?" in path for path in spec.get("paths", {}))


@PROBES.quirk("MASH-Q03")
def accept_and_content_type_are_header_parameters(spec: Mapping[str, Any]) -> bool:
    """General > Headers: Accept/Content-Type are declared as header parameters (ignored by OpenAPI)."""
    refs = {"#/components/parameters/Accept", "#/components/parameters/ContentType"}
    for _, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter.get("$ref") in refs:
                return True
            if parameter.get("in") == "header" and str(parameter.get("name", "")).lower() in {"accept", "content-type"}:
                return True
    return bool(set(spec.get("components", {}).get("parameters", {})) & {"Accept", "ContentType"})


@PROBES.quirk("MASH-Q04")
def auth_errors_are_undocumented(spec: Mapping[str, Any]) -> bool:
    """Error codes 10000 (401) and 10001 (403): some method documents neither response."""
    return any(not {"401", "403"} <= set(operation.get("responses", {})) for _, operation in _operations(spec))


@PROBES.quirk("MASH-Q05")
def request_bodies_are_optional(spec: Mapping[str, Any]) -> bool:
    """Create, charge, refund and add merchant: the request body is not marked required."""
    paths = spec["paths"]
    return any(paths[path][method]["requestBody"].get("required") is not True for path, method in _BODY_OPS)


@PROBES.quirk("MASH-Q06")
def order_responses_have_no_schema(spec: Mapping[str, Any]) -> bool:
    """Create, get, charge and refund: the 200 response has an example but no schema."""
    paths = spec["paths"]
    return any(
        "schema" not in paths[path][method]["responses"]["200"]["content"][_JSON] for path, method in _ORDER_RESULT_OPS
    )


@PROBES.quirk("MASH-Q07")
def cancel_order_id_is_optional(spec: Mapping[str, Any]) -> bool:
    """Cancel order: the orderId path variable is marked optional."""
    parameters = spec["paths"]["/orders/{orderId}/cancel"]["post"]["parameters"]
    return any(p.get("name") == "orderId" and p.get("required") is not True for p in parameters)


@PROBES.quirk("MASH-Q08")
def cancel_response_has_no_body(spec: Mapping[str, Any]) -> bool:
    """Cancel order: the 200 response documents no body."""
    return "content" not in spec["paths"]["/orders/{orderId}/cancel"]["post"]["responses"]["200"]


@PROBES.quirk("MASH-Q09")
def create_order_items_is_one_object(spec: Mapping[str, Any]) -> bool:
    """Create order: orderItems is typed as a single OrderItem and the example sends an object."""
    prop = _props(spec, "CreateOrderRequest")["orderItems"]
    example = _example(spec["paths"]["/orders"]["post"], request=True)
    return "array" not in _types(prop) or isinstance(example.get("orderItems"), dict)


@PROBES.quirk("MASH-Q10")
def pricing_payment_plans_is_one_object(spec: Mapping[str, Any]) -> bool:
    """Get pricing: paymentPlans has no type and the example shows one object."""
    prop = _props(spec, "Pricing")["paymentPlans"]
    example = _example(spec["paths"]["/pricing"]["get"], request=False)
    return "array" not in _types(prop) or isinstance(example.get("paymentPlans"), dict)


_UNTYPED = (
    ("CreateOrderRequest", "customer"),
    ("CreateOrderRequest", "deliveryAddress"),
    ("CreateOrderRequest", "paymentType"),
    ("PersonInfo", "officialAddress"),
    ("PayoutReport", "items"),
    ("OrderResult", "customer"),
    ("OrderResult", "deliveryAddress"),
    ("OrderResult", "invoicingAddress"),
    ("AddMerchantRequest", "merchantInfo"),
    ("ChargeEvent", "orderItem"),
)


@PROBES.quirk("MASH-Q11")
def properties_without_type(spec: Mapping[str, Any]) -> bool:
    """Properties the docs describe with no type (customer, addresses, paymentType, items, ...)."""
    return any(_untyped(_props(spec, schema).get(name, {"type": "absent"})) for schema, name in _UNTYPED)


@PROBES.quirk("MASH-Q12")
def order_result_enums_are_plain_strings(spec: Mapping[str, Any]) -> bool:
    """OrderResult: status and paymentType are plain strings although enumerations exist."""
    props = _props(spec, "OrderResult")
    return any("$ref" not in props[name] and "enum" not in props[name] for name in ("status", "paymentType"))


@PROBES.quirk("MASH-Q13")
def order_item_status_untyped_and_sent(spec: Mapping[str, Any]) -> bool:
    """OrderItem: status has no type, is not read-only, and request examples send it."""
    status = _props(spec, "OrderItem")["status"]
    if _untyped(status) or status.get("readOnly") is not True:
        return True
    for path in ("/orders", "/orders/{orderId}/charge", "/orders/{orderId}/refunds"):
        items = _example(spec["paths"][path]["post"], request=True).get("orderItems")
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, Mapping) and "status" in item:
                return True
    return False


@PROBES.quirk("MASH-Q14")
def order_item_type_is_number(spec: Mapping[str, Any]) -> bool:
    """OrderItem: type is a "number" whose five values are only prose."""
    prop = _props(spec, "OrderItem")["type"]
    return prop.get("type") == "number" or ("enum" not in prop and "$ref" not in prop)


@PROBES.quirk("MASH-Q15")
def installment_count_unconstrained(spec: Mapping[str, Any]) -> bool:
    """Create order: installmentCount has no enum (3/6/12/24) and the example sends 1 with Invoice."""
    prop = _props(spec, "CreateOrderRequest")["installmentCount"]
    enums = [prop.get("enum")] + [member.get("enum") for member in prop.get("anyOf", [])]
    example = _example(spec["paths"]["/orders"]["post"], request=True)
    return not any(enums) or example.get("installmentCount") == 1


_COUNTS_AND_IDS = (
    ("Error", "errorCode"),
    ("CreateOrderRequest", "merchantId"),
    ("AddMerchantResponse", "merchantId"),
    ("PayoutReport", "totalItemCount"),
    ("PaymentPlanType", "installmentCount"),
    ("Invoice", "id"),
    ("PaymentPlan", "lengthInMonths"),
    ("ChargeEvent", "id"),
    ("PayoutReportItem", "orderId"),
)


@PROBES.quirk("MASH-Q16")
def counts_and_ids_are_number(spec: Mapping[str, Any]) -> bool:
    """Identifiers and counts typed "number" instead of integer."""
    return any(_props(spec, schema)[name].get("type") == "number" for schema, name in _COUNTS_AND_IDS)


_STRING_IDS = (
    ("OrderResult", "orderId"),
    ("OrderResult", "statusCode"),
    ("OrderResult", "paymentPlanTypeId"),
    ("PaymentPlanType", "id"),
    ("PaymentPlan", "id"),
)


@PROBES.quirk("MASH-Q17")
def ids_as_unconstrained_strings(spec: Mapping[str, Any]) -> bool:
    """Numeric identifiers carried as strings with no digits-only pattern (bodies, path and query)."""
    if any("pattern" not in _props(spec, schema)[name] for schema, name in _STRING_IDS):
        return True
    for _, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            is_id = parameter.get("name") == "merchantId" or (
                parameter.get("name") == "orderId" and parameter.get("in") == "path"
            )
            schema = parameter.get("schema", {})
            if is_id and schema.get("type") == "string" and "pattern" not in schema:
                return True
    return False


@PROBES.quirk("MASH-Q18")
def pricing_amounts_as_unconstrained_strings(spec: Mapping[str, Any]) -> bool:
    """Get pricing: invoicingFee, invoiceDue and orderAmount are strings with no numeric pattern."""
    invoice = _props(spec, "InvoicePricing")
    parameters = spec["paths"]["/pricing"]["get"]["parameters"]
    amount = next(p for p in parameters if p.get("name") == "orderAmount")
    schemas = (invoice["invoicingFee"], invoice["invoiceDue"], amount["schema"])
    return any(schema.get("type") == "string" and "pattern" not in schema for schema in schemas)


_DATES = (
    ("CreateOrderRequest", "orderPlaced", "date-time"),
    ("OrderResult", "orderPlaced", "date-time"),
    ("Pricing", "pricingUpdated", "date-time"),
    ("Invoice", "invoicedate", "date-time"),
    ("Invoice", "duedate", "date"),
    ("PayoutReportItem", "created", "date"),
)


@PROBES.quirk("MASH-Q19")
def dates_without_format(spec: Mapping[str, Any]) -> bool:
    """Timestamps and dates typed as plain strings (no date / date-time format)."""
    if any(_props(spec, schema)[name].get("format") != fmt for schema, name, fmt in _DATES):
        return True
    for path, operation in _operations(spec):
        if path.startswith(_REPORT):
            for parameter in operation.get("parameters", []):
                if parameter.get("name") in {"startTime", "endTime"}:
                    if parameter.get("schema", {}).get("format") != "date-time":
                        return True
    return False


@PROBES.quirk("MASH-Q20")
def payment_plan_type_id_not_nullable(spec: Mapping[str, Any]) -> bool:
    """OrderResult: paymentPlanTypeId is not nullable although Invoice orders have no plan type."""
    return "null" not in _types(_props(spec, "OrderResult")["paymentPlanTypeId"])


@PROBES.quirk("MASH-Q21")
def person_id_mask_undocumented(spec: Mapping[str, Any]) -> bool:
    """Customer: personId is masked in responses (010771-****) but nothing in the schema allows '*'."""
    return "*" not in str(_props(spec, "Customer")["personId"].get("pattern", ""))


@PROBES.quirk("MASH-Q22")
def payment_plan_orderitems_lowercase(spec: Mapping[str, Any]) -> bool:
    """PaymentPlan: the property is spelled orderitems, unlike orderItems everywhere else."""
    return "orderitems" in _props(spec, "PaymentPlan")


@PROBES.quirk("MASH-Q23")
def charge_event_unreferenced_unmarked(spec: Mapping[str, Any]) -> bool:
    """ChargeEvent: referenced by nothing, and not marked as such."""
    event = spec["components"]["schemas"].get("ChargeEvent")
    return event is not None and event.get("x-unreferenced") is not True


@PROBES.quirk("MASH-Q24")
def allow_credit_check_editorial_note(spec: Mapping[str, Any]) -> bool:
    """Customer: allowCreditCheck's description is an editorial note ("is this really necessary")."""
    return "is this really necessary" in str(_props(spec, "Customer")["allowCreditCheck"].get("description", ""))


@PROBES.quirk("MASH-Q25")
def example_item_statuses_contradict_order(spec: Mapping[str, Any]) -> bool:
    """Response examples: item statuses contradict the order (Pending+Cancelled/Refunded, refund+Cancelled)."""
    paths = spec["paths"]
    wrong = (
        (paths["/orders"]["post"], {"Cancelled", "Refunded", "Charged"}),
        (paths["/orders/{orderId}"]["get"], {"Cancelled", "Refunded", "Charged"}),
        (paths["/orders/{orderId}/refunds"]["post"], {"Cancelled", "Reserved"}),
    )
    return any(
        item.get("status") in statuses
        for operation, statuses in wrong
        for item in _example(operation, request=False).get("orderItems", [])
    )


@PROBES.quirk("MASH-Q26")
def pricing_example_calculation_without_amount(spec: Mapping[str, Any]) -> bool:
    """Get pricing example: a calculation (for 350.12, outside 100.01-200) although no orderAmount was sent."""
    plans = _example(spec["paths"]["/pricing"]["get"], request=False).get("paymentPlans")
    return any(plan.get("calculation") is not None for plan in (plans if isinstance(plans, list) else [plans]))


# --- issue 22: names and numbers that read (overlays/mash/30-names-and-numbers.yaml) ------------------


def _pricing_parameter(spec: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    parameters = spec["paths"]["/pricing"]["get"]["parameters"]
    found: Mapping[str, Any] = next(p for p in parameters if p.get("name") == name)
    return found


@PROBES.quirk("MASH-Q30")
def order_item_types_are_named_only_in_prose(spec: Mapping[str, Any]) -> bool:
    """OrderItem's type values (1=product ... 5=correction) have no member names (x-enum-varnames)."""
    return not spec["components"]["schemas"].get("OrderItemType", {}).get("x-enum-varnames")


@PROBES.quirk("MASH-Q31")
def pricing_merchant_id_is_a_string(spec: Mapping[str, Any]) -> bool:
    """Get pricing's merchantId query parameter is typed string although the docs give a number."""
    return bool(_pricing_parameter(spec, "merchantId")["schema"].get("type") == "string")


@PROBES.quirk("MASH-Q32")
def pricing_order_amount_is_a_string(spec: Mapping[str, Any]) -> bool:
    """Get pricing's orderAmount query parameter is typed string although the docs give an amount."""
    return bool(_pricing_parameter(spec, "orderAmount")["schema"].get("type") == "string")


# Issue 20: response fields every documented example carries, not marked required (overlays/mash/20-*).
# That the patched examples really carry them is checked by the example validation (a required field
# missing from an example fails `nox -s validate` and tests/unit), so the probes only look for `required`.
_ALWAYS_SENT: dict[str, tuple[str, ...]] = {
    "OrderResult": (
        "orderId",
        "clientOrderId",
        "orderPlaced",
        "status",
        "statusCode",
        "paymentType",
        "paymentPlanTypeId",
        "customer",
        "deliveryAddress",
        "invoicingAddress",
        "orderItems",
        "totalItems",
        "chargedTotal",
        "invoices",
        "paymentPlans",
    ),
    "AddMerchantResponse": ("merchantId", "name"),
    "ApiKeys": ("username", "password"),
    "ExtranetUser": ("username", "password", "link"),
    "Pricing": ("pricingUpdated", "invoice", "paymentPlans"),
    "InvoicePricing": ("invoicingFee", "invoiceDue"),
    "PaymentPlanType": (
        "id",
        "installmentCount",
        "initialFeeFixed",
        "initialFeePercentage",
        "notificationFeeFixed",
        "notificationFeePercentage",
        "interestRate",
        "fromAmount",
        "toAmount",
    ),
    "PayoutReport": ("totalItemCount", "items"),
    "PayoutReportItem": (
        "orderId",
        "clientOrderId",
        "orderReferenceNumber",
        "payoutReferenceNumber",
        "payoutType",
        "amount",
        "created",
        "customerName",
        "clientCustomerId",
        "username",
    ),
    "PersonInfo": ("personId", "name", "officialAddress"),
}


def _not_required(spec: Mapping[str, Any], *schemas: str) -> bool:
    """Some always-sent field of these schemas is not in the schema's `required`."""
    for name in schemas:
        required = set(spec["components"]["schemas"][name].get("required") or ())
        if not set(_ALWAYS_SENT[name]) <= required:
            return True
    return False


@PROBES.quirk("MASH-Q40")
def order_result_always_sent_not_required(spec: Mapping[str, Any]) -> bool:
    """OrderResult: all 15 fields are in every example, none is required."""
    return _not_required(spec, "OrderResult")


@PROBES.quirk("MASH-Q41")
def add_merchant_response_always_sent_not_required(spec: Mapping[str, Any]) -> bool:
    """AddMerchantResponse, ApiKeys, ExtranetUser: fields in the example (apiKeys/extranetUser aside) not required."""
    return _not_required(spec, "AddMerchantResponse", "ApiKeys", "ExtranetUser")


@PROBES.quirk("MASH-Q42")
def pricing_always_sent_not_required(spec: Mapping[str, Any]) -> bool:
    """Pricing, InvoicePricing, PaymentPlanType: fields in the example (calculation aside) not required."""
    return _not_required(spec, "Pricing", "InvoicePricing", "PaymentPlanType")


@PROBES.quirk("MASH-Q43")
def payout_report_always_sent_not_required(spec: Mapping[str, Any]) -> bool:
    """PayoutReport, PayoutReportItem: every field of the example not required."""
    return _not_required(spec, "PayoutReport", "PayoutReportItem")


@PROBES.quirk("MASH-Q44")
def person_info_always_sent_not_required(spec: Mapping[str, Any]) -> bool:
    """PersonInfo: personId, name and officialAddress are in the example, not required."""
    return _not_required(spec, "PersonInfo")
