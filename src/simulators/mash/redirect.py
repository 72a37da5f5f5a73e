"""The web redirect of a Pending order: the documented POST form opens a page with the "SSN-for-testing"
field and bank buttons; a bank button authenticates (303 to okUrl), the cancel button goes to cancelUrl."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .._serving import parse_id
from .errors import Code, ErrorCode
from .identities import parse_identity
from .messages import language, localized
from .orders import approve
from .scoring import Decision, decide_after_authentication
from .state import MashState, Order, Status

__all__ = ["REDIRECT_PATH", "redirect_routes"]

REDIRECT_PATH = "/redirect"
_BANKS = {"FI": ("Nordea", "OP", "Danske Bank", "S-Pankki", "Aktia"), "SE": ("BankID", "Swedbank", "SEB")}
_TEXT = {
    "en": ("Confirm your payment", "Choose your bank to identify yourself", "Cancel", "Order"),
    "fi": ("Vahvista maksu", "Tunnistaudu valitsemalla pankkisi", "Peruuta", "Tilaus"),
    "sv": ("Bekräfta din betalning", "Välj din bank för att identifiera dig", "Avbryt", "Order"),
}
# The page speaks the customer's language throughout, its error reasons included.
_INVALID_SSN = {
    "en": "is not a formally valid HETU or personnummer",
    "fi": "ei ole muodollisesti kelvollinen henkilötunnus",
    "sv": "är inte ett formellt giltigt personnummer",
}


def redirect_routes(state: MashState, errors: dict[int, ErrorCode]) -> list[Route]:
    """POST {REDIRECT_PATH} (the doc's form), …/authenticate and …/cancel (the page's own buttons)."""

    async def start(request: Request) -> Response:
        form = await _form(request)
        order, problem = _pending_order(state, form)
        if order is None:
            return _page(form, None, _error_text(errors, problem, None), 400)
        return _page(form, order, None, 200)

    async def authenticate(request: Request) -> Response:
        form = await _form(request)
        order, problem = _pending_order(state, form)
        if order is None:
            return _page(form, None, _error_text(errors, problem, None), 400)
        identity = parse_identity(form.get("ssn", ""), state.now().date())
        if identity is None:
            reason = _INVALID_SSN[language(order.locale)]
            return _page(
                form, order, f"{_error_text(errors, Code.BAD_REQUEST, order.locale)}: SSN-for-testing {reason}", 400
            )
        if decide_after_authentication(identity, order.reserved_total) is Decision.APPROVED:
            approve(state, order)
        else:
            order.status = Status.DENIED
            order.touch()
        # The doc: the merchant checks the order's status via the API after returning to okUrl.
        return RedirectResponse(form["okUrl"], status_code=303)

    async def cancel(request: Request) -> Response:
        form = await _form(request)
        if not _is_web_url(form.get("cancelUrl", "")):
            return _page(form, None, _error_text(errors, Code.BAD_REQUEST, None) + ": cancelUrl", 400)
        return RedirectResponse(form["cancelUrl"], status_code=303)  # the order stays Pending

    return [
        Route(REDIRECT_PATH, start, methods=["POST"]),
        Route(f"{REDIRECT_PATH}/authenticate", authenticate, methods=["POST"]),
        Route(f"{REDIRECT_PATH}/cancel", cancel, methods=["POST"]),
    ]


async def _form(request: Request) -> dict[str, str]:
    # application/x-www-form-urlencoded, parsed here: Starlette's form parser needs python-multipart.
    body = (await request.body()).decode("utf-8", errors="replace")
    form: dict[str, str] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        form.setdefault(name, value)
    return form


def _pending_order(state: MashState, form: dict[str, str]) -> tuple[Order | None, Code]:
    for field in ("okUrl", "cancelUrl"):
        if not _is_web_url(form.get(field, "")):
            return None, Code.BAD_REQUEST
    merchant_id = parse_id(form.get("merchantId", ""))
    if merchant_id is None:
        return None, Code.BAD_REQUEST
    order_id = state.by_client_id.get((merchant_id, form.get("clientOrderId", "")))
    order = state.orders.get(order_id) if order_id else None
    if order is None:
        return None, Code.ORDER_NOT_FOUND
    if order.status is not Status.PENDING:
        return None, Code.WRONG_ORDER_STATUS
    return order, Code.BAD_REQUEST


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _error_text(errors: dict[int, ErrorCode], code: Code, locale: str | None) -> str:
    return f"{int(code)} {localized(code, locale, errors[code].message)}"


def _page(form: dict[str, str], order: Order | None, error: str | None, status: int) -> HTMLResponse:
    lang = language(order.locale if order else None)
    title, prompt, cancel, order_label = _TEXT[lang]
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(form.get(name, ""))}">'
        for name in ("merchantId", "clientOrderId", "name", "okUrl", "cancelUrl")
    )
    body = [f"<h1>Mash: {escape(title)}</h1>"]
    if error:
        body.append(f'<p id="error" role="alert">{escape(error)}</p>')
    if order is not None:
        greeting = f"<p>{escape(form['name'])}</p>" if form.get("name") else ""
        banks = "".join(
            f'<button type="submit" class="bank" name="bank" value="{escape(bank)}">{escape(bank)}</button>'
            for bank in _BANKS[order.identity.country]
        )
        body.append(
            f"{greeting}<p>{order_label} {escape(order.client_order_id)}: {order.reserved_total} €</p>"
            f'<form method="post" action="{REDIRECT_PATH}/authenticate">{hidden}'
            f'<label for="ssn-for-testing">SSN-for-testing</label> '
            f'<input id="ssn-for-testing" name="ssn" value="{escape(form.get("ssn", ""))}">'
            f"<p>{escape(prompt)}</p>{banks} "
            f'<button type="submit" id="cancel" formaction="{REDIRECT_PATH}/cancel">{escape(cancel)}</button></form>'
        )
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Mash</title></head>'
        f"<body>{''.join(body)}</body></html>"
    )
    return HTMLResponse(html, status_code=status)
