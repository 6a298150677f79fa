"""The sandbox medical-insurance platform: the national interface (定点医药机构接口规范) on one POST
endpoint taking the JSON envelope (``infno`` picks the transaction), its own SQLite file and port.

``service`` checks the gateway and the envelope, ``transactions`` does the work, ``policy`` splits a
bill, ``catalogue`` classes the fees, ``demo`` names the insured demo persons; ``server`` runs it
(``EmbeddedInsurance``; ``python -m sandbox.insurance``, ``kiosk-sandbox --service insurance``).
"""
