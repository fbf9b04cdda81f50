dom-pc-i440fx.xml multi-good-bad.xml fmt-crlf.xml
