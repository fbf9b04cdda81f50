/* xml-libxml.c - the libxml2 pass: is the document well-formed, and what elements it has. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "pcifix.h"

/*
 * libxml2, driven through SAX with no tree and no entity substitution,
 * decides whether the bytes are well-formed XML and reports where they are
 * not; entity declarations, entity references and attribute declarations
 * that would make libxml2 (and libvirt) read values differently from the
 * bytes are refused.  It records each element's name (hashed) and namespace
 * membership in document order, for the scanner (xml-scan.c) to agree with.
 * Only this file includes libxml2.
 */

struct sax_state {
	xmlParserCtxtPtr ctxt;
	const char *file;
	struct pcifix_diags *diags;
	bool failed;             /* a diagnostic has been added */
	struct pcifix_xml_seen *seen;
};

uint32_t
pcifix_xml_hash(uint32_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
	  int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
	  int nb_defaulted, const xmlChar **attributes)
{
	struct sax_state *st = ctx;
	uint32_t h = 2166136261u;

	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_attributes;
	(void)nb_defaulted;
	(void)attributes;
	struct pcifix_xml_seen *seen = st->seen;

	if (seen->n == seen->cap) {
		/* Two arrays, one count: the second follows the first's new room. */
		seen->name_hash = pcifix_xgrow(seen->name_hash, &seen->cap, 256,
					       sizeof(*seen->name_hash));
		seen->in_ns = pcifix_xrealloc(seen->in_ns, seen->cap * sizeof(*seen->in_ns));
	}
	if (prefix) {
		h = pcifix_xml_hash(h, (const char *)prefix, strlen((const char *)prefix));
		h = pcifix_xml_hash(h, ":", 1);
	}
	h = pcifix_xml_hash(h, (const char *)localname, strlen((const char *)localname));
	seen->name_hash[seen->n] = h;
	seen->in_ns[seen->n] = uri != NULL;
	seen->n++;
}

static void
sax_fail(struct sax_state *st, enum pcifix_rule_id id, unsigned line, const char *msg)
{
	if (!st->failed)
		pcifix_diag_add(st->diags, id, st->file, line, "%s", msg);
	st->failed = true;
	xmlStopParser(st->ctxt);
}

static void
sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
		const xmlChar *system_id, xmlChar *content)
{
	struct sax_state *st = ctx;
	char *msg;

	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	msg = pcifix_xasprintf("entity declaration '%s' refused: a domain XML has no "
			       "use for entities, and they can hide content or expand "
			       "without bound", (const char *)name);
	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

/*
 * <!ATTLIST ...> in the internal subset declaring a type other than CDATA:
 * libxml2 (and libvirt) then normalise that attribute's values (' virtio '
 * becomes 'virtio'), which the scanner reads as written, so they would
 * disagree: refused, as entities are.  (Defaults are not added: neither
 * pcifix nor libvirt asks libxml2 for them.)
 */
static void
sax_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname, int type, int def,
		   const xmlChar *default_value, xmlEnumerationPtr tree)
{
	struct sax_state *st = ctx;
	char *msg;

	(void)def;
	(void)default_value;
	xmlFreeEnumeration(tree);   /* the callback owns it */
	if (type == XML_ATTRIBUTE_CDATA)
		return;
	msg = pcifix_xasprintf("attribute declaration <!ATTLIST %s %s ...> refused: a type other "
			       "than CDATA changes attribute values as libvirt reads them",
			       (const char *)elem, (const char *)fullname);
	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

static xmlEntityPtr
sax_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	return xmlGetPredefinedEntity(name);
}

static void
sax_reference(void *ctx, const xmlChar *name)
{
	struct sax_state *st = ctx;
	char *msg = pcifix_xasprintf("entity reference '&%s;' refused: only the "
				     "predefined entities and character references are "
				     "allowed", (const char *)name);

	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

static void
sax_error(void *ctx, xmlErrorPtr err)
{
	struct sax_state *st = ctx;
	char *msg;
	size_t n;
	bool bad_utf8;

	if (err == NULL || err->level < XML_ERR_ERROR || st->failed)
		return;
	msg = pcifix_xstrdup(err->message ? err->message : "XML parse error");
	/* One line: libxml2 sometimes adds the offending bytes on a second. */
	msg[strcspn(msg, "\n")] = '\0';
	bad_utf8 = strstr(msg, "not proper UTF-8") != NULL;
	if (bad_utf8) {
		free(msg);
		msg = pcifix_xstrdup("invalid UTF-8: pcifix reads UTF-8 files (convert this one "
				     "with iconv -t UTF-8)");
	}
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n && msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	pcifix_diag_add(st->diags,
			bad_utf8 || err->code == XML_ERR_UNKNOWN_ENCODING ||
			err->code == XML_ERR_UNSUPPORTED_ENCODING ? PCIFIX_R_XML_ENCODING : PCIFIX_R_XML_SYNTAX,
			st->file, err->line > 0 ? (unsigned)err->line : 1, "%s", msg);
	free(msg);
	st->failed = true;
}

/* Where libxml2's own messages go: nowhere (NULL would mean its default printer). */
static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
libxml_init_once(void)
{
	static bool done;

	if (!done) {
		xmlInitParser();
		/* Never let libxml2 print anything itself. */
		xmlSetGenericErrorFunc(NULL, silent);
		done = true;
	}
}

int
pcifix_xml_libxml(const char *bytes, size_t len, const char *file,
		  struct pcifix_diags *diags, struct pcifix_xml_seen *seen)
{
	struct sax_state state = { .file = file, .diags = diags, .seen = seen };
	struct sax_state *st = &state;
	xmlSAXHandler h;
	xmlParserCtxtPtr ctxt;
	int ok;

	libxml_init_once();
	memset(seen, 0, sizeof(*seen));
	if (len > INT32_MAX) {
		pcifix_diag_add(st->diags, PCIFIX_R_IO_ERROR, st->file, 0,
				"file is larger than 2 GiB, which libxml2 cannot read");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.initialized = XML_SAX2_MAGIC;
	h.startElementNs = sax_start;
	h.entityDecl = sax_entity_decl;
	h.attributeDecl = sax_attribute_decl;
	h.getEntity = sax_get_entity;
	h.getParameterEntity = sax_get_entity;
	h.reference = sax_reference;
	h.serror = sax_error;

	ctxt = xmlCreateMemoryParserCtxt(bytes, (int)len);
	if (ctxt == NULL)
		pcifix_oom();
	/* No network, no DTD loading, no entity substitution, no huge mode. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	memcpy(ctxt->sax, &h, sizeof(h));
	ctxt->userData = st;
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	st->ctxt = ctxt;
	xmlParseDocument(ctxt);
	ok = ctxt->wellFormed && !st->failed;
	if (!ok && !st->failed)
		pcifix_diag_add(st->diags, PCIFIX_R_XML_SYNTAX, st->file, 1, "XML is not well-formed");
	ctxt->sax->serror = NULL;
	/* libxml2 may have started a document for a DTD it saw: drop it. */
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	xmlFreeParserCtxt(ctxt);
	if (!ok)
		pcifix_xml_seen_free(seen);
	return ok ? 0 : -1;
}

void
pcifix_xml_seen_free(struct pcifix_xml_seen *seen)
{
	free(seen->name_hash);
	free(seen->in_ns);
	memset(seen, 0, sizeof(*seen));
}
