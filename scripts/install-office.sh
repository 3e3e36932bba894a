#!/usr/bin/env bash
# Install what cipdocs needs to render PDFs and slide previews (LibreOffice, poppler, metric-compatible
# fonts), and the JDK the tests' PDF/UA validator (scripts/verapdf.py) runs on, from Debian/Ubuntu
# packages, only when something is missing; a fast no-op otherwise.
set -euo pipefail

packages=(libreoffice-impress libreoffice-writer libreoffice-calc poppler-utils fonts-liberation fonts-crosextra-carlito fontconfig openjdk-17-jdk-headless libjaxb-java)
missing=()

have_command() { command -v "$1" >/dev/null 2>&1; }
# fc-list can be absent on a bare machine; then the fonts count as missing and get installed.
have_font() { have_command fc-list && fc-list "$1" family | grep -q .; }

have_command soffice || missing+=("soffice (libreoffice-impress, libreoffice-writer)")
# Calc re-saves workbooks in the tests, as staff who keep the workbook in LibreOffice do.
have_command localc || missing+=("localc (libreoffice-calc)")
have_command pdftoppm || missing+=("pdftoppm (poppler-utils)")
have_command pdffonts || missing+=("pdffonts (poppler-utils)")
have_command pdftotext || missing+=("pdftotext (poppler-utils)")
# fc-list is how cipdocs and the tests tell whether Carlito is installed.
have_command fc-list || missing+=("fc-list (fontconfig)")
# Carlito and Liberation Sans have the metrics of Calibri and Arial, so slides lay out as in Office.
have_font Carlito || missing+=("font Carlito (fonts-crosextra-carlito)")
have_font "Liberation Sans" || missing+=("font Liberation Sans (fonts-liberation)")
# veraPDF (scripts/verapdf.py) judges the PDFs in the tests: a JDK to compile its driver, and JAXB.
have_command javac || missing+=("javac (openjdk-17-jdk-headless)")
[ -f /usr/share/java/jaxb-api.jar ] || missing+=("JAXB (libjaxb-java)")

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-office: LibreOffice, poppler, fonts and the JDK are already installed"
    exit 0
fi

printf 'install-office: missing %s\n' "${missing[@]}"
if ! have_command apt-get; then
    echo "install-office: no apt-get here; install LibreOffice from https://www.libreoffice.org/download/" \
        "and poppler (brew install poppler / conda install poppler) by hand" >&2
    exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    have_command sudo || { echo "install-office: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
fi

echo "install-office: apt-get update"
"${sudo[@]}" apt-get update -qq
echo "install-office: apt-get install ${packages[*]}"
# No recommends: they pull in Java and hundreds of MB the headless conversion never uses.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
echo "install-office: done"
