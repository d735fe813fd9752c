# SPDX-License-Identifier: MIT
# Sourced by the scripts that build Debian source packages (tests/debian,
# tests/ports): a deb-src entry found or added, and the sources fetched
# into a cache.  The caller defines skip MESSAGE (exit 77), ok MESSAGE and
# name.

# has_deb_src: some apt source already has deb-src lines.
has_deb_src() {
	grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list && return 0
	grep -Eqs '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

# add_deb_src: a deb-src entry for the suite and mirror of the first
# Debian deb entry (one-line or deb822 form).
add_deb_src() {
	local uri="" suites="" keyring=""
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
		suites=$(awk '/^Suites:/ {sub(/^Suites:[[:space:]]*/, ""); print; exit}' /etc/apt/sources.list.d/debian.sources)
		keyring=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		# deb [opts] URI SUITE COMPONENTS...: the first non-security one.
		read -r uri suites < <(sed -E 's/\[[^]]*\]//' /etc/apt/sources.list |
			awk '$1 == "deb" && $2 !~ /security/ {print $2, $3; exit}')
	fi
	[ -n "$uri" ] && [ -n "$suites" ] ||
		skip "no Debian mirror in /etc/apt/sources.list or debian.sources to add deb-src for"
	{
		echo "Types: deb-src"
		echo "URIs: $uri"
		echo "Suites: $suites"
		echo "Components: main"
		[ -n "$keyring" ] && echo "Signed-By: $keyring"
	} >/etc/apt/sources.list.d/ocap-debian-src.sources ||
		skip "cannot write /etc/apt/sources.list.d/ocap-debian-src.sources"
	echo "$name: added deb-src $uri $suites"
}

# fetch_sources CACHE DIR[=SOURCE]...: each source package's files (apt-get
# source --download-only) in CACHE/DIR, unless a .dsc is there already.
# SOURCE defaults to DIR.  apt-get update runs only when a deb-src entry
# was added or apt knows no source package.
fetch_sources() {
	local cache=$1 d p first updated= missing=""
	local -A src=()
	shift
	for d in "$@"; do
		p=${d%%=*}
		src[$p]=${d#*=}
		compgen -G "$cache/$p/*.dsc" >/dev/null || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		ok "sources cached"
		return 0
	fi
	command -v apt-get >/dev/null 2>&1 || skip "no apt-get to fetch$missing"
	if ! has_deb_src; then
		[ "$(id -u)" = 0 ] || skip "no deb-src entry and not root to add one"
		add_deb_src
		updated=1
	fi
	first=${missing# } first=${first%% *}
	if [ -n "$updated" ] ||
		[ -z "$(apt-cache showsrc "${src[$first]}" 2>/dev/null | head -1)" ]; then
		[ "$(id -u)" = 0 ] || skip "apt has no source index and not root to update"
		timeout 300 apt-get update -qq >"$cache/update.log" 2>&1 ||
			skip "apt-get update failed: $(tail -3 "$cache/update.log")"
	fi
	for p in $missing; do
		rm -rf "${cache:?}/$p.part" && mkdir -p "$cache/$p.part"
		(cd "$cache/$p.part" &&
			timeout 300 apt-get source -qq --download-only "${src[$p]}") \
			>"$cache/$p.log" 2>&1 ||
			skip "apt-get source ${src[$p]} failed: $(grep -E '^(E|Err):' "$cache/$p.log" | tail -2)"
		compgen -G "$cache/$p.part/*.dsc" >/dev/null ||
			skip "apt-get source ${src[$p]} fetched no .dsc"
		rm -rf "${cache:?}/$p" && mv "$cache/$p.part" "$cache/$p"
	done
	ok "fetched$missing"
}
