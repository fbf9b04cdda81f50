no-such-file.xml
