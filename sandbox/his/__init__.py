"""The sandbox hospital information system (HIS): the hospital's counterpart of the kiosk (issue 12).

Its own FastAPI app (``app``), process, port and SQLite file (``store``, ``schema``): patients with their
hospital patient ids, outpatient visits and their charge items in the national medical-insurance codes
(``catalogue``, from ``sandbox.demo_data``), clinics and registrations, admission orders and stays
(``writes``), the payment state of every bill (``marks``), the hospital's payment channel. Reads of a
patient's data need the patient present at the terminal (``sandbox.store.presence``, shared with the
credit platform). Run it embedded (``server.EmbeddedHis``) or as ``python -m sandbox.his`` /
``kiosk-sandbox --service his``. The kiosk's side is ``kiosk.ports.his`` and ``kiosk.adapters.his_http``.
"""
