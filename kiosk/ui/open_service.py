"""Open the credit service: identify → consent → phone → opened (line by score tier).

A minor cannot open alone: a guardian identifies with their own card and
consents, and the child then uses the guardian's line (Xiamen art. 24(5);
Hangzhou §3.2.1). The consent text and its version come from the platform;
the platform records the version and the time.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QScroller, QTextBrowser

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.idnumber import mask_phone
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_problem, who_text
from kiosk.ui.i18n import current_language
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.keypad import Keypad
from kiosk.ui.kit import back_button, centred, metrics, primary_button, secondary_button
from kiosk.ui.outcome import OutcomeText, pending_text

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


# -- screens ------------------------------------------------------------------------
class ConsentScreen(Screen):
    """The platform's current consent text, in the UI language, with its version; scrollable."""

    name = "credit_consent"
    agree_requested = Signal()
    back_requested = Signal()

    DATA = {"patient": None, "child": None, "consent": None, "notice_code": None}

    def __init__(self, language: Callable[[], str] = lambda: "zh_CN", parent=None):
        super().__init__(parent)
        self._language = language
        self.text = QTextBrowser(self)
        self.text.setObjectName("consentText")
        self.text.setOpenLinks(False)
        self.text.setMinimumHeight(metrics().text_least)
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        QScroller.grabGesture(self.text.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.agree_button = primary_button(self, self._agree)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", "version:status", (self.text, 1), "notice", "status", density="compact", scroll=False,
                  buttons=[self.back_button, self.agree_button])  # the text scrolls by itself
        self.retranslate()

    def show_consent(self, patient, consent, child=None, notice_code: str | None = None) -> None:
        self.show_items(patient=patient, child=child, consent=consent, notice_code=notice_code)
        self.text.verticalScrollBar().setValue(0)

    def _agree(self) -> None:
        if self.consent is not None and not self.loading:
            self.agree_requested.emit()

    def retranslate(self) -> None:
        c = self.consent
        # The platform's title is Chinese only; the English UI shows its own.
        chinese = self._language() != "en"
        self.title.setText(c.title if c and c.title and chinese else self.tr("Consent to the credit service"))
        set_button_text(self.agree_button, self.tr("I agree and authorise the credit score lookup"))
        set_button_text(self.back_button, self.tr("Back"))
        if self.patient is None:
            self.who.setText("")
        elif self.child is not None:
            self.who.setText(self.tr("Guardian {guardian} consents for {child}").format(
                guardian=self.patient.masked_name, child=self.child.masked_name))
        else:
            self.who.setText(who_text(self.patient))
        if c is None:
            self.version.setText("")
            self.text.setPlainText("")
        else:
            published = c.published_at.strftime("%Y-%m-%d") if c.published_at else "—"
            self.version.setText(self.tr("Consent text version {version}, published {date}. "
                                         "Scroll to read all of it.").format(version=c.version, date=published))
            self.text.setPlainText(c.text_for(self._language()))
        set_problem(self.notice, self.notice_code)
        self.say_status()
        self.agree_button.setEnabled(c is not None and not self.loading)


class PhoneScreen(Screen):
    """The number the platform has, masked, confirmed with one tap; or another one on the keypad."""

    name = "credit_phone"
    number_chosen = Signal(str)  # the number typed; "" for the one on file (which the kiosk never sees)
    back_requested = Signal()

    DATA = {"on_file": "", "entering": False}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.keypad = Keypad(11, self)
        self.clear_with(self.keypad)
        self.keypad.submitted.connect(self._submit_typed)
        self.keypad.changed.connect(self._typed)
        self.use_button = primary_button(self, self._use_on_file)
        self.other_button = secondary_button(self, self._enter_other)
        self.confirm_button = primary_button(self, self._submit_typed)
        self.back_button = back_button(self, self._back)
        self.page("explanation", "number:who", centred(self.keypad, 3), "error", "status", 1, density="narrow",
                  centred=True, buttons=[self.back_button, self.other_button, self.use_button, self.confirm_button])
        self.retranslate()

    def show_phone(self, masked_on_file: str) -> None:
        """``masked_on_file``: the mobile number on file, masked; "" when there is none (e.g. a
        landline in the record): the patient types one."""
        self.keypad.clear()
        # nothing on file: straight to the keypad
        self.show_items(on_file=masked_on_file, entering=not masked_on_file)
        if self.entering:
            self.keypad.setFocus()

    def _use_on_file(self) -> None:
        if self.on_file and not self.busy:
            self.number_chosen.emit("")

    def _enter_other(self) -> None:
        self.keypad.clear()
        self.set_state(entering=True, error_code=None)
        self.keypad.setFocus()

    def _typed(self, _text: str) -> None:
        if self.error_code:
            self.set_state(error_code=None)

    def _submit_typed(self, *_args) -> None:
        from kiosk.usecases.credit import valid_phone

        if self.busy or not self.entering:
            return
        number = self.keypad.text()
        if not valid_phone(number):  # checked here, before anything is sent
            self.show_error("phone_invalid")
            return
        self.number_chosen.emit(number)

    def _back(self) -> None:
        if self.entering and self.on_file:
            self.keypad.clear()
            self.set_state(entering=False, error_code=None)
        else:
            self.back_requested.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Mobile phone for repayment reminders"))
        if self.entering:
            self.explanation.setText(self.tr("Type the 11-digit mobile number, then confirm."))
            self.number.setText("")
        else:
            self.explanation.setText(self.tr("Reminders of amounts due will be sent to this number:"))
            self.number.setText(mask_phone(self.on_file) if self.on_file else "")  # masked twice: never clear
        self.number.setVisible(not self.entering)
        self.keypad.setVisible(self.entering)
        set_button_text(self.use_button, self.tr("Use this number"))
        set_button_text(self.other_button, self.tr("Enter another number"))
        set_button_text(self.confirm_button, self.tr("Confirm this number"))
        set_button_text(self.back_button, self.tr("Back"))
        self.use_button.setVisible(not self.entering)
        self.other_button.setVisible(not self.entering)
        self.confirm_button.setVisible(self.entering)
        for button in (self.use_button, self.other_button, self.confirm_button, self.back_button):
            button.setEnabled(not self.busy)
        self.keypad.setEnabled(not self.busy)
        set_problem(self.error, self.error_code)
        self.say_status(self.tr("Opening your credit service, please wait…"))


class GuardianScreen(Screen):
    """A minor is told that a guardian must identify and consent."""

    name = "credit_guardian"
    continue_requested = Signal()
    back_requested = Signal()

    DATA = {"child": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.continue_button = primary_button(self, self.continue_requested)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", 1, "explanation", 1, density="airy", centred=True,
                  buttons=[self.back_button, self.continue_button])
        self.retranslate()

    def show_child(self, child) -> None:
        self.show_items(child=child)

    def retranslate(self) -> None:
        self.title.setText(self.tr("A parent or guardian must consent"))
        self.who.setText(who_text(self.child))
        self.explanation.setText(self.tr(
            "Patients under 18 cannot open the credit service alone. A parent or guardian identifies with "
            "their own ID card and gives consent; the child then uses the guardian's credit line and the "
            "guardian repays.\n\nGuardian: tap the button, then place your ID card on the reader."))
        set_button_text(self.continue_button, self.tr("Guardian: identify now"))
        set_button_text(self.back_button, self.tr("Back to start"))


# -- the journey ---------------------------------------------------------------------
class OpenServiceJourney(Journey):
    key = "open"
    opened = Signal(object)  # Opened, for the tour and for tests
    #: session: the patient the service is opened for (adult, or the minor); guardian: the
    #: guardian's PatientSession, for a minor; details: CreditDetails of whoever consents (phone on file)
    HOLDS = {"guardian": None, "details": None, "consent": None}

    def __init__(self, ctx):
        super().__init__(ctx)
        self.credit = ctx.services.credit
        self.consent_screen: ConsentScreen = self.add_screen(ConsentScreen(current_language))
        self.phone_screen: PhoneScreen = self.add_screen(PhoneScreen(), back=ConsentScreen.name)
        self.guardian_screen: GuardianScreen = self.add_screen(GuardianScreen())
        self.consent_screen.agree_requested.connect(self._agreed)
        self.phone_screen.number_chosen.connect(self._open)
        self.guardian_screen.continue_requested.connect(lambda: self.identify_another(self._guardian_identified))

    def title(self) -> str:
        return translate("OpenServiceJourney", "Open credit service")

    def begin(self, session) -> None:
        self.forget()
        self.session = session
        consenting = session.patient
        self.consent_screen.show_loading(patient=consenting)
        self.show(self.consent_screen)
        number = consenting.id_number
        if consenting.is_minor:
            self.ctx.run(lambda: self.credit.details(number), self._minor_checked)
        else:
            self.ctx.run(lambda: self.credit.prepare_open(number), self._prepared)

    # -- adult ---------------------------------------------------------------------------
    def _prepared(self, result) -> None:
        details, consent = result
        if details.has_credit_service:
            self._already_open()
            return
        self.details, self.consent = details, consent
        self.consent_screen.show_consent(self.session.patient, consent)

    def _already_open(self) -> None:
        session = self.session
        self.finish(lambda: already_open_text(session))

    # -- minor: the guardian identifies and consents ---------------------------------------
    def _minor_checked(self, details) -> None:
        if details.has_credit_service:
            self._already_open()
            return
        self.guardian_screen.show_child(self.session.patient)
        self.show(self.guardian_screen)

    def _guardian_identified(self, guardian) -> None:
        child = self.session.patient if self.session else None
        if child is None:
            return
        problem = None
        if guardian.patient.patient_id == child.patient_id or guardian.patient.is_minor:
            problem = "guardian_is_minor"
        elif child.guardian_patient_id and guardian.patient.patient_id != child.guardian_patient_id:
            problem = "not_the_guardian"
        if problem:
            self.problem(problem)
            return
        self.guardian = guardian
        self.consent_screen.show_loading(patient=guardian.patient, child=child)
        self.show(self.consent_screen)
        number = guardian.patient.id_number
        self.ctx.run(lambda: (self.credit.details(number), self.credit.consent()), self._guardian_prepared)

    def _guardian_prepared(self, result) -> None:
        details, consent = result
        if not details.has_credit_service:
            guardian = self.guardian  # offered: open the guardian's own service first
            self.problem("guardian_not_open", (lambda: translate("OpenServiceJourney", "Open the guardian's service"),
                                               lambda: self.begin(guardian)))
            return
        self.details, self.consent = details, consent
        self.consent_screen.show_consent(self.guardian.patient, consent, child=self.session.patient)

    # -- phone, then open ----------------------------------------------------------------------
    def _agreed(self) -> None:
        if self.details is None:
            return
        self.phone_screen.show_phone(self.details.masked_phone if self.details.phone_on_file else "")
        self.show(self.phone_screen)

    def _open(self, phone: str) -> None:
        if self.session is None or self.consent is None:
            return
        patient_id = self.session.patient.patient_id
        guardian_id = self.guardian.patient.patient_id if self.guardian else None
        version = self.consent.version
        self.phone_screen.set_busy(True)
        masked = mask_phone(phone) if phone else self.details.masked_phone
        session, score_name = self.session, self.ctx.services.profile.score_name
        self.ctx.run(lambda: self.credit.open(patient_id, version, phone or None, guardian_id),
                     self.finished(self.opened, lambda opened: opened_text(opened, session, score_name, masked)),
                     self._refused)

    def _refused(self, error) -> None:
        code = error_code(error)
        if code == "phone_invalid":
            self.phone_screen.show_error(code)
        elif code == "consent_outdated":  # a new text was published meanwhile: read it and agree again
            self.phone_screen.set_busy(False)
            self.consent_screen.show_loading(patient=self.consent_screen.patient, child=self.consent_screen.child)
            self.show(self.consent_screen)
            self.ctx.run(self.credit.consent, self._consent_renewed)
        else:
            self.failed(error)

    def _consent_renewed(self, consent) -> None:
        self.consent = consent
        self.consent_screen.show_consent(self.consent_screen.patient, consent, self.consent_screen.child,
                                         notice_code="consent_outdated")


# -- outcome texts --------------------------------------------------------------------------
def already_open_text(session) -> OutcomeText:
    lines = [translate("OpenServiceJourney", "Your credit service is already open; there is nothing to do.")]
    if session.patient.is_minor:
        lines = [translate("OpenServiceJourney", "{child} already uses the guardian's credit line.").format(
            child=session.patient.masked_name)]
    a = session.account
    if a is not None:
        lines.append(translate("OpenServiceJourney", "Credit line {line}, available now {available}.").format(
            line=format_cny(a.line_fen), available=format_cny(a.available_fen)))
    return OutcomeText(translate("OpenServiceJourney", "Credit service already open"), "\n".join(lines))


def opened_text(opened, session, score_name: str, masked_phone: str) -> OutcomeText:
    if opened.pending:
        return pending_text(
            translate("OpenServiceJourney", "The hospital system did not confirm in time. Your request is kept "
                      "safely and will be completed automatically; please check at the cashier window later."))
    lines = []
    if opened.for_minor:
        a = opened.account
        lines.append(translate("OpenServiceJourney", "{child} now uses the guardian's credit line.").format(
            child=session.patient.masked_name))
        if a is not None:
            lines.append(translate("OpenServiceJourney", "Guardian's credit line {line}, available now {available}."
                                   ).format(line=format_cny(a.line_fen), available=format_cny(a.available_fen)))
        lines.append(translate("OpenServiceJourney", "The guardian repays the child's bills."))
    else:
        lines.append(translate("OpenServiceJourney", "Your credit line: {line} ({score_name} tier {tier})").format(
            line=format_cny(opened.line_fen), score_name=opened.score_name or score_name,
            tier=opened.tier if opened.tier is not None else "—"))
        if opened.value_added:
            lines.append(translate("OpenServiceJourney", "Your tier also lets you choose value-added services "
                                   "of the partner financial institutions."))
    consented = (opened.consented_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
                 if opened.consented_at else "—")
    lines.append(translate("OpenServiceJourney", "Consent version {version}, given {time}.").format(
        version=opened.consent_version, time=consented))
    note = translate("OpenServiceJourney", "Repayment reminders go to {phone}.").format(phone=masked_phone)
    return OutcomeText(translate("OpenServiceJourney", "Credit service opened"), "\n".join(lines), note)
