# packaging/manpage.cmake: docs/preflight.1 with the installed paths of
# this build's prefix (the page says /usr/share/preflight, the default)
# for the installed copy.
#   cmake -DIN=docs/preflight.1 -DOUT=build/preflight.1 -DDATADIR=/usr/share
#         -DDOCDIR=/usr/share/doc/preflight -P manpage.cmake
file(READ "${IN}" page)
string(REPLACE "/usr/share/doc/preflight" "${DOCDIR}" page "${page}")
string(REPLACE "/usr/share/preflight" "${DATADIR}/preflight" page "${page}")
file(WRITE "${OUT}" "${page}")
