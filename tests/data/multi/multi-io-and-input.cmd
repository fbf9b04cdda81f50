multi-io-and-input.xml missing.xml dom-q35.xml
