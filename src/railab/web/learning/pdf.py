"""The completion certificate as a PDF (WeasyPrint), with a QR code of its public
verification page."""

from __future__ import annotations

import base64
import logging

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from railab.web.learning.models import Certificate

# WeasyPrint reports every layout step at INFO: noise in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def verification_url(certificate: Certificate) -> str:
    return settings.BASE_URL + reverse("learning:certificate_verify", args=[certificate.code])


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # heavy import: only when a certificate is drawn

    url = verification_url(certificate)
    qr = segno.make(url, error="m").svg_inline(scale=3, dark="#12355b", light="#fff")
    html = render_to_string(
        "learning/certificate_pdf.html",
        {
            "certificate": certificate,
            "url": url,
            "qr_data_uri": "data:image/svg+xml;base64,"
            + base64.b64encode(qr.encode("utf-8")).decode("ascii"),
        },
    )
    pdf: bytes = HTML(string=html, base_url=settings.BASE_URL).write_pdf()
    return pdf
