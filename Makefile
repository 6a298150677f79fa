# Two commands: `make demo` runs the product on its embedded sandbox,
# `make test` runs the tests. Each installs what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QM     := resources/translations/kiosk_zh_CN.qm

# Debian packages Qt needs to run (offscreen or on a screen), a CJK font for the
# screens, and the tools the tests check printed documents with; for the device
# tests: socat (pty pairs), pcscd + vpcd (PC/SC with a virtual card; libpcsclite-dev
# and swig build pyscard where no wheel fits), Xvfb + xdotool (a keyboard-wedge scanner).
DEB_PACKAGES := libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxcb-render-util0 libxcb-image0 \
	fonts-wqy-microhei poppler-utils zbar-tools \
	socat pcscd pcsc-tools vsmartcard-vpcd libpcsclite-dev swig xvfb xdotool x11-utils dbus-x11

.PHONY: demo test bench debs translations api-doc lint clean

demo: $(STAMP) $(QM) debs
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "No display: running the scripted tour headless (offscreen)."; \
		QT_QPA_PLATFORM=offscreen $(BIN)/kiosk demo --tour --out demo-output; \
	else \
		$(BIN)/kiosk demo; \
	fi

test: $(STAMP) $(QM) debs
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) $(QM) debs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

translations: $(QM)
$(QM): resources/translations/kiosk_zh_CN.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# Refresh the .ts from the sources after changing user-visible text.
update-ts: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete kiosk/ui/*.py -ts resources/translations/kiosk_zh_CN.ts

api-doc: $(STAMP)
	$(BIN)/python -m sandbox.openapi

debs:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing Debian packages. Run as root:"; \
			echo "  sudo apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) demo-output build dist *.egg-info $(QM)
