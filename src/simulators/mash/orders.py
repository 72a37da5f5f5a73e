"""Order rules: create (validation, credit decision), access, expiry, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._serving import BoundedStore
from .errors import Code, MashError
from .identities import parse_identity
from .items import amount_field, read_items
from .money import ZERO, cents
from .persons import official_address
from .pricing import plan_for
from .scoring import Decision, decide
from .state import EXPIRY, ApiKey, Item, MashState, Merchant, Order, Status

__all__ = ["approve", "cancel_order", "create_order", "order_for", "split"]


def create_order(state: MashState, key: ApiKey, body: dict[str, Any]) -> Order:
    """Validate, decide, store, and answer the order, whatever the decision.

    "Resulting order status can be Approved, Pending or Denied." (Create order): a negative credit decision is
    a stored order with status Denied, answered 200 like the others, so the caller gets its id; 20020 and
    20026 are refusals of the request itself, and nothing is stored for them.
    """
    customer = body.get("customer") or {}
    locale = customer.get("locale") if isinstance(customer.get("locale"), str) else None
    merchant = _merchant(state, key, body, locale)
    client_order_id = body.get("clientOrderId")
    if client_order_id is None:  # "" is taken as sent: the doc's own Create order Example 1 sends it
        raise MashError(Code.BAD_REQUEST, "clientOrderId: is required", locale)
    if (merchant.merchant_id, client_order_id) in state.by_client_id:
        raise MashError(Code.ORDER_EXISTS, f"clientOrderId {client_order_id!r}", locale)
    if "personId" not in customer:
        raise MashError(Code.BAD_REQUEST, "customer.personId: is required", locale)
    identity = parse_identity(customer["personId"], state.now().date())
    if identity is None:
        raise MashError(Code.BAD_REQUEST, "customer.personId: is not a formally valid HETU or personnummer", locale)
    payment_type, count = _payment(merchant, body, locale)
    items, total = _reservation(body, locale)
    plan = plan_for(merchant.plan_types, count, total, locale) if count is not None else None
    _check_contact(state.phones, _phone(customer), identity.canonical, Code.PHONE_IN_USE, locale)
    _check_person_phone(state, identity.canonical, _phone(customer), locale)
    _check_contact(state.emails, _email(customer), identity.canonical, Code.EMAIL_IN_USE, locale)
    decision = decide(identity, total)
    if decision is Decision.SCORING_FAILED:
        raise MashError(Code.SCORING_FAILED, None, locale)
    if decision is Decision.CREDIT_LIMIT:
        raise MashError(Code.CREDIT_LIMIT_NOT_SUFFICIENT, f"total {total}", locale)

    now = state.now()
    order = Order(
        order_id=str(next(state.order_ids)),
        merchant_id=merchant.merchant_id,
        client_order_id=client_order_id,
        order_placed=body.get("orderPlaced") or now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        created=now,
        status=Status.PENDING,
        payment_type=payment_type,
        installment_count=count,
        plan_type_id=plan.id if plan else None,
        customer=dict(customer),
        identity=identity,
        delivery_address=body.get("deliveryAddress"),
        invoicing_address=official_address(identity),
        items=items,
        reserved_total=total,
        itemized=bool(items),
    )
    if decision is Decision.APPROVED:
        approve(state, order)
    elif decision is Decision.DENIED:
        order.status = Status.DENIED
    state.store_order(order)
    _remember_contact(state, order)
    return order


def _merchant(state: MashState, key: ApiKey, body: dict[str, Any], locale: str | None) -> Merchant:
    merchant_id = body.get("merchantId", key.merchant_id)  # left out: the key's own merchant
    merchant = state.merchant(merchant_id)
    if merchant is None or merchant_id not in key.merchant_ids:
        raise MashError(Code.UNAUTHORIZED, f"merchantId {merchant_id} is not yours", locale)
    return merchant


def _payment(merchant: Merchant, body: dict[str, Any], locale: str | None) -> tuple[str, int | None]:
    """paymentType is required (10002) and offered (20010); installmentCount iff PaymentPlan (20016, 20011)."""
    payment_type = body.get("paymentType")
    if payment_type is None:
        raise MashError(Code.BAD_REQUEST, "paymentType: is required", locale)
    if payment_type not in merchant.payment_types:
        raise MashError(Code.PAYMENT_OPTION_NOT_APPLICABLE, f"paymentType {payment_type}", locale)
    count = body.get("installmentCount")
    if payment_type == "PaymentPlan" and count is None:
        raise MashError(Code.INSTALLMENT_COUNT_MISSING, None, locale)
    if payment_type != "PaymentPlan" and count is not None:  # published.py already read the doc's 1 as absent
        raise MashError(Code.PAYMENT_TYPE_MISMATCH, f"installmentCount given for paymentType {payment_type}", locale)
    return payment_type, count


def _reservation(body: dict[str, Any], locale: str | None) -> tuple[list[Item], Decimal]:
    """The items and the total to reserve: 20019 duplicate articleId, 20008 nothing to reserve, 20009 negative."""
    items = read_items(body.get("orderItems"), "orderItems", locale)
    article_ids = [item.article_id for item in items if item.article_id]
    if len(article_ids) != len(set(article_ids)):
        raise MashError(Code.ARTICLE_ID_NOT_UNIQUE, None, locale)
    if items:  # the items are the reservation; a totalItems sent alongside them is recomputed, not trusted
        total = sum((item.amount for item in items), ZERO)
    elif body.get("totalItems") is not None:
        total = cents(amount_field(body["totalItems"], "totalItems", locale))
    else:
        raise MashError(Code.NO_ROWS, "neither orderItems nor totalItems", locale)
    if total < 0:
        raise MashError(Code.NEGATIVE_TOTAL, f"total {total}", locale)
    return items, total


def approve(state: MashState, order: Order) -> None:
    order.status = Status.APPROVED
    order.expires = state.now() + EXPIRY
    order.touch()


def order_for(state: MashState, key: ApiKey, order_id: str) -> Order:
    """The order, if it exists (20002) and belongs to one of the key's merchants (403, 10001); expiry applied."""
    order = state.orders.get(order_id)
    if order is None:
        raise MashError(Code.ORDER_NOT_FOUND, f"orderId {order_id}")
    if order.merchant_id not in key.merchant_ids:
        raise MashError(Code.UNAUTHORIZED, f"order {order_id} belongs to another merchant")
    if order.status is Status.APPROVED and order.expires is not None and state.now() >= order.expires:
        order.status, order.expired = Status.CLOSED, True  # "Closed: Order has expired or is fully paid."
        for item in order.items:
            if item.status == "Reserved":
                item.status = "Cancelled"
        order.touch()
    return order


def cancel_order(state: MashState, key: ApiKey, order_id: str) -> Order:
    order = order_for(state, key, order_id)
    if order.status not in (Status.PENDING, Status.APPROVED):
        raise MashError(Code.NOT_PENDING_OR_APPROVED, f"order is {order.status.value}", order.locale)
    order.status = Status.CANCELLED
    for item in order.items:
        item.status = "Cancelled"
    order.touch()
    return order


def _email(customer: dict[str, Any]) -> str | None:
    email = customer.get("email")
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


def _check_contact(store: BoundedStore[str, str], key: str | None, person: str, code: Code, locale: str | None) -> None:
    owner = store.get(key) if key else None
    if owner is not None and owner != person:
        raise MashError(code, None, locale)


def _check_person_phone(state: MashState, person: str, phone: str | None, locale: str | None) -> None:
    """MyCashflow's Mash guide (support.mycashflow.com/en/user-guide/mash): "The social security number and
    phone number are matched together in Mash's system. The same social security number cannot be used with
    multiple phone numbers." Refused with the phone number's documented code, 20017."""
    known = state.person_phones.get(person) if phone else None
    if known is not None and known != phone:
        raise MashError(Code.PHONE_IN_USE, "this personId is matched with another phone number", locale)


def _remember_contact(state: MashState, order: Order) -> None:
    phone, email = _phone(order.customer), _email(order.customer)
    if phone:
        state.phones.put(phone, order.identity.canonical)
        state.person_phones.put(order.identity.canonical, phone)
    if email:
        state.emails.put(email, order.identity.canonical)


def _phone(customer: dict[str, Any]) -> str | None:
    mobile = customer.get("mobile")
    digits = "".join(char for char in mobile if char.isdigit()) if isinstance(mobile, str) else ""
    return digits or None


def split(order: Order, item: Item, units: Decimal) -> Item:
    """`units` of `item` as an item of their own (partial delivery or refund); the rest stays where it was."""
    if units >= item.units:
        return item
    item.units -= units
    part = item.copy(units, item.status)
    order.items.append(part)
    return part
