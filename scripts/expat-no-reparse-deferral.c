/*
 * LD_PRELOAD shim: turn off expat's "reparse deferral" for every parser VTK creates.
 *
 * Expat 2.6.0 (and Debian 12's libexpat1 from 2.5.0-1+deb12u2 on, which backports the fix
 * for CVE-2023-52425) defers reparsing of incomplete tokens. VTK up to 9.2 -- the VTK inside
 * Debian's ParaView 5.11 -- stops its XML parser at <AppendedData> and then reads the raw
 * bytes itself; with deferral the parser has already run into those bytes and every
 * raw-appended .vti/.vtu/.vtp (VTK's default output, TTK's, lltk's) fails with "not
 * well-formed (invalid token)". VTK fixed it by disabling deferral (VTK issue 19258); this
 * does the same from outside. Where the running expat has no XML_SetReparseDeferralEnabled
 * (older than the fix) there is nothing to turn off and the shim changes nothing.
 *
 * Build: cc -shared -fPIC -O2 -o libexpat-no-reparse-deferral.so expat-no-reparse-deferral.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef void *XML_Parser; /* opaque; the ABI of expat's public entry points */
typedef char XML_Char;
typedef unsigned char XML_Bool;

static XML_Parser no_deferral(XML_Parser parser)
{
    static XML_Bool (*set_deferral)(XML_Parser, XML_Bool);
    static int looked_up;
    if (!looked_up) {
        set_deferral = (XML_Bool(*)(XML_Parser, XML_Bool))dlsym(RTLD_DEFAULT,
                                                                 "XML_SetReparseDeferralEnabled");
        looked_up = 1;
    }
    if (parser && set_deferral)
        set_deferral(parser, 0);
    return parser;
}

XML_Parser XML_ParserCreate(const XML_Char *encoding)
{
    static XML_Parser (*real)(const XML_Char *);
    if (!real)
        real = (XML_Parser(*)(const XML_Char *))dlsym(RTLD_NEXT, "XML_ParserCreate");
    return no_deferral(real(encoding));
}

XML_Parser XML_ParserCreateNS(const XML_Char *encoding, XML_Char separator)
{
    static XML_Parser (*real)(const XML_Char *, XML_Char);
    if (!real)
        real = (XML_Parser(*)(const XML_Char *, XML_Char))dlsym(RTLD_NEXT, "XML_ParserCreateNS");
    return no_deferral(real(encoding, separator));
}

XML_Parser XML_ParserCreate_MM(const XML_Char *encoding, const void *memsuite,
                               const XML_Char *separator)
{
    static XML_Parser (*real)(const XML_Char *, const void *, const XML_Char *);
    if (!real)
        real = (XML_Parser(*)(const XML_Char *, const void *, const XML_Char *))dlsym(
            RTLD_NEXT, "XML_ParserCreate_MM");
    return no_deferral(real(encoding, memsuite, separator));
}
