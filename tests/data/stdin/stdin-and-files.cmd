dom-minimal.xml - dom-ch.xml <stdin-and-files.xml
