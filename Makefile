# Two commands: `make demo` runs the product on its embedded sandbox,
# `make test` runs the tests. Each installs what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QM     := resources/translations/kiosk_zh_CN.qm

# Debian packages, in two lists. DEB_APP is what the app needs to run and to be installed:
# Qt's libraries (QtCore needs GLib; the offscreen and xcb platform plugins the rest), CJK fonts for the screens, the PC/SC runtime
# (pcscd) and what pip needs to compile pyscard, which has no Linux wheel (libpcsclite-dev,
# swig), ALSA's player for the spoken prompts (alsa-utils: aplay). DEB_TEST adds what the tests use: poppler + zbar (read printed PDFs and QR codes),
# socat (serial devices on pty pairs), vpcd + pcsc-tools (a virtual smart card), Xvfb + xdotool
# (a keyboard-wedge scanner typing into a real X server), CUPS with cups-pdf and Ghostscript
# (a private print server per test run), gnome-keyring + dbus (a real Secret Service on a private bus). `make demo` never pulls a print server.
# The Debian step always runs BEFORE pip (an order-only prerequisite of the virtualenv).
DEB_APP := libglib2.0-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 \
	libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxcb-render0 \
	libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 \
	fonts-wqy-microhei fonts-noto-cjk pcscd libpcsclite1 libpcsclite-dev swig alsa-utils
DEB_TEST := poppler-utils zbar-tools socat pcsc-tools vsmartcard-vpcd xvfb xdotool x11-utils dbus-x11 \
	cups cups-client cups-bsd printer-driver-cups-pdf ghostscript gnome-keyring dbus
DEB_PACKAGES ?= $(DEB_APP)

.PHONY: demo test bench debs debs-app debs-test translations api-doc lint clean voice

# -- the installable bundle (not part of `make test`: a build takes a minute or two) ----------
# `make bundle`: the PyInstaller one-folder bundle (build.spec), the Linux tarball and .deb
# (packaging/linux), then the smoke test: the frozen app's tour headless, the tarball, and the
# .deb installed with dpkg -i, its tour run, and removed again (as root).
VERSION    := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' kiosk/__init__.py)
BUNDLE_DIR := dist/kiosk-$(VERSION)
BUILD_STAMP := $(VENV)/.installed-build
# binutils: strip, objdump, as, ld (bundle size, the .deb's glibc dependency, the trimmed ICU
# data); icu-devtools: icupkg (build.spec); gnome-keyring + dbus: the real Secret Service for
# the frozen app in the smoke test; dpkg-deb comes with dpkg.
BUNDLE_DEB_PACKAGES := binutils icu-devtools gnome-keyring dbus

.PHONY: bundle bundle-build
bundle: bundle-build
	packaging/linux/build-tarball.sh $(BUNDLE_DIR) dist
	packaging/linux/build-deb.sh $(BUNDLE_DIR) dist
	KIOSK_BUNDLE_DIR=$(BUNDLE_DIR) \
	KIOSK_BUNDLE_TARBALL=dist/credit-care-kiosk-$(VERSION)-linux-$$(uname -m).tar.gz \
	KIOSK_BUNDLE_DEB=dist/credit-care-kiosk_$(VERSION)_$$(dpkg --print-architecture).deb \
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q tests/test_bundle_smoke.py

bundle-build: debs-bundle $(STAMP) $(QM) $(BUILD_STAMP)
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build build.spec

$(BUILD_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[build]'
	@touch $@

demo: debs-app $(STAMP) $(QM)
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "No display: running the scripted tour headless (offscreen)."; \
		QT_QPA_PLATFORM=offscreen $(BIN)/kiosk demo --tour --out demo-output; \
	else \
		$(BIN)/kiosk demo; \
	fi

test: debs-test $(STAMP) $(QM) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

bench: debs-test $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

$(STAMP): pyproject.toml | debs-app
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade: [tool.ruff] in pyproject.toml) and the
# layer rules (import-linter: [tool.importlinter]).
lint: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache

translations: $(QM)
$(QM): resources/translations/kiosk_zh_CN.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# Refresh the .ts from the sources after changing user-visible text.
update-ts: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete kiosk/ui/*.py kiosk/devices/*.py kiosk/*.py -ts resources/translations/kiosk_zh_CN.ts

api-doc: $(STAMP)
	$(BIN)/python -m sandbox.openapi

debs-app:
	@$(MAKE) --no-print-directory debs DEB_PACKAGES="$(DEB_APP)"
debs-test:
	@$(MAKE) --no-print-directory debs DEB_PACKAGES="$(DEB_APP) $(DEB_TEST)"
.PHONY: debs-bundle
debs-bundle:
	@$(MAKE) --no-print-directory debs DEB_PACKAGES="$(DEB_APP) $(DEB_TEST) $(BUNDLE_DEB_PACKAGES)"

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

# The spoken prompts' clips (resources/voice, committed): made again from kiosk/voice.py's texts with
# espeak-ng, a developer's step only (a kiosk plays the clips; it needs no speech engine).
voice: $(STAMP)
	@$(MAKE) --no-print-directory debs DEB_PACKAGES=espeak-ng
	$(BIN)/python -m kiosk.voice --build
