"""One handler per operationId of the patched spec: unpack the call, run the rule, encode the answer."""

from __future__ import annotations

from decimal import Decimal

from .._serving import Call, Handler, Reply
from .charging import charge_order
from .errors import Code, MashError
from .identities import parse_identity
from .merchants import add_merchant
from .orders import cancel_order, create_order, order_for
from .payouts import payout_report
from .persons import documented_person, official_address, person_name
from .pricing import pricing_json
from .refunds import refund_order
from .state import MashState, Order
from .views import order_bytes

__all__ = ["make_handlers"]


def make_handlers(state: MashState) -> dict[str, Handler]:
    """The spec's nine operations; the serving core refuses to start if this set and the spec's differ."""

    def get_pricing(call: Call) -> Reply:
        # Validated against the patched spec and coerced: merchantId an int ≥ 1, orderAmount a number ≥ 0.
        merchant_id: int = call.query["merchantId"]
        merchant = state.merchant(merchant_id) if merchant_id < 10**18 else None
        if merchant is None or merchant.merchant_id not in call.principal.merchant_ids:
            raise MashError(Code.UNAUTHORIZED, f"merchant {merchant_id} is not yours")
        amount = call.query.get("orderAmount")
        return 200, pricing_json(
            merchant.plan_types,
            merchant.invoice_pricing,
            merchant.pricing_updated,
            None if amount is None else Decimal(str(amount)),  # str: the shortest repr, 350.12 not 350.1199…
        )

    def get_person_info(call: Call) -> Reply:
        person_id: str = call.query["personId"]
        documented = documented_person(person_id)
        if documented is not None:
            name, address = documented
            return 200, {"name": name, "personId": person_id.strip()[:-4] + "****", "officialAddress": address}
        identity = parse_identity(person_id, state.now().date())
        if identity is None:
            raise MashError(Code.BAD_REQUEST, "query parameter personId: is not a formally valid HETU or personnummer")
        return 200, {
            "name": person_name(identity),
            "personId": identity.masked,
            "officialAddress": official_address(identity),
        }

    def create(call: Call) -> Reply:
        return 200, order_bytes(create_order(state, call.principal, call.body))

    def get_order(call: Call) -> Reply:
        return 200, order_bytes(order_for(state, call.principal, call.path_params["orderId"]))

    def changed(order: Order) -> Reply:
        state.orders.reweigh(order.order_id)  # serializes the order once; the answer reuses that cache
        return 200, order_bytes(order)

    def cancel(call: Call) -> Reply:
        return changed(cancel_order(state, call.principal, call.path_params["orderId"]))

    def charge(call: Call) -> Reply:
        state.orders.check_room(call.path_params["orderId"])  # charges and refunds grow an order
        return changed(charge_order(state, call.principal, call.path_params["orderId"], call.body))

    def refund(call: Call) -> Reply:
        state.orders.check_room(call.path_params["orderId"])
        return changed(refund_order(state, call.principal, call.path_params["orderId"], call.body))

    def add(call: Call) -> Reply:
        return 200, add_merchant(state, call.principal, call.body)

    def report(call: Call) -> Reply:
        q = call.query
        return 200, payout_report(state, call.principal, call.path_params["merchantId"], q["startTime"], q["endTime"])

    return {
        "getPricing": get_pricing,
        "getPersonInfo": get_person_info,
        "createOrder": create,
        "getOrder": get_order,
        "cancelOrder": cancel,
        "chargeOrder": charge,
        "refundOrder": refund,
        "addMerchant": add,
        "getPayoutReport": report,
    }
