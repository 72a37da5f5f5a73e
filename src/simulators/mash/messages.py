"""Localized error messages (fi-FI, sv-SE; English comes from the spec) and the customer's language."""

from __future__ import annotations

__all__ = ["language", "localized"]

_FI = {
    10000: "Virheelliset API-avaimet",
    10001: "Luvaton pyyntö",
    10002: "Virheellisesti muotoiltu pyyntö",
    20001: "Tilaus on jo olemassa annetulla asiakkaan tilaustunnuksella",
    20002: "Tilausta ei ole olemassa",
    20003: "Tilaus on hylätty",
    20004: "Tilaus odottaa käsittelyä",
    20005: "Tilaus on peruutettu",
    20006: "Tilaus on suljettu",
    20007: "Tilaus on vanhentunut",
    20008: "Tilauksella ei ole rivejä",
    20009: "Tilauksen summa ei voi olla negatiivinen",
    20010: "Maksutapa ei ole käytettävissä",
    20011: "Tilauksen maksutapa ei täsmää",
    20012: "Laskun kokonaissummaa ei voitu hyväksyä",
    20013: "Maksusuunnitelma ei ole mahdollinen tai sitä ei voitu luoda",
    20014: "Tilauksen hyvitys ei ole mahdollinen",
    20015: "Tilaus ei ole odottava tai hyväksytty",
    20016: "installmentCount on pakollinen, kun paymentType on PaymentPlan.",
    20017: "Puhelinnumero on jo käytössä",
    20018: "Sähköpostiosoite on jo käytössä",
    20019: "Tuotteen articleId ei ole yksilöllinen",
    20020: "Sisäinen pisteytys epäonnistui",
    20021: "Erien määrä ei ole mahdollinen tilauksen summalle",
    20022: "Maksusuunnitelman vähimmäissumma on 10 €",
    20023: "Maksusuunnitelman enimmäissumma on 2000 €",
    20024: "Väärä tilauksen tila",
    20025: "Kielteinen luottopäätös",
    20026: "Luottoraja ei riitä",
}
_SV = {
    10000: "Ogiltiga API-nycklar",
    10001: "Obehörig begäran",
    10002: "Felaktigt formaterad begäran",
    20001: "En order med detta klientorder-id finns redan",
    20002: "Ordern finns inte",
    20003: "Ordern är nekad",
    20004: "Ordern väntar",
    20005: "Ordern är avbruten",
    20006: "Ordern är stängd",
    20007: "Ordern har löpt ut",
    20008: "Ordern saknar rader",
    20009: "Orderns summa kan inte vara negativ",
    20010: "Betalningsalternativet är inte tillämpligt",
    20011: "Orderns betalningssätt stämmer inte",
    20012: "Fakturans totalbelopp kunde inte godkännas",
    20013: "Delbetalningsplanen är inte möjlig eller kunde inte skapas",
    20014: "Återbetalning av ordern är inte möjlig",
    20015: "Ordern är inte väntande eller godkänd",
    20016: "installmentCount är obligatoriskt om paymentType är PaymentPlan.",
    20017: "Telefonnumret används redan",
    20018: "E-postadressen används redan",
    20019: "Artikelns articleId är inte unikt",
    20020: "Det interna kreditbedömningsflödet misslyckades",
    20021: "Antalet delbetalningar är inte möjligt för orderbeloppet",
    20022: "Minsta orderbelopp för delbetalning är 10 €",
    20023: "Högsta orderbelopp för delbetalning är 2000 €",
    20024: "Fel orderstatus",
    20025: "Negativt kreditbeslut",
    20026: "Kreditgränsen räcker inte",
}
_BY_LANGUAGE = {"fi": _FI, "sv": _SV}


def language(locale: object) -> str:
    """ "fi-FI"/"fi" → "fi", "sv-SE"/"sv-FI" → "sv", anything else (or nothing) → "en"."""
    if not isinstance(locale, str):
        return "en"
    prefix = locale.strip()[:2].lower()
    return prefix if prefix in _BY_LANGUAGE else "en"


def localized(code: int, locale: object, english: str) -> str:
    """The message in the customer's language; `english` (the default language) when there is no translation."""
    return _BY_LANGUAGE.get(language(locale), {}).get(code, english)
