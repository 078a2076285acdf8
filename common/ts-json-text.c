/* JSON text written by json-glib, made valid (see ts-json-text.h). */
#include "ts-json-text.h"

#include <string.h>

char *ts_json_repair_numbers(char *text)
{
    g_return_val_if_fail(text != NULL, NULL);
    char *out = text;
    gboolean in_string = FALSE;
    for (const char *p = text; *p;) {
        if (in_string) {
            if (*p == '\\' && p[1] != '\0') {
                *out++ = *p++;
            } else if (*p == '"') {
                in_string = FALSE;
            }
            *out++ = *p++;
            continue;
        }
        if (*p == '"') {
            in_string = TRUE;
            *out++ = *p++;
            continue;
        }
        if (g_ascii_isdigit(*p) || *p == '-') {
            /* a number token: copy it, dropping ".0" right after an exponent's digits */
            gboolean exp = FALSE;
            while (*p && (g_ascii_isdigit(*p) || strchr("+-.eE", *p) != NULL)) {
                if (*p == 'e' || *p == 'E')
                    exp = TRUE;
                if (exp && *p == '.' && p[1] == '0' && !g_ascii_isdigit(p[2])) {
                    p += 2;
                    continue;
                }
                *out++ = *p++;
            }
            continue;
        }
        *out++ = *p++;
    }
    *out = '\0';
    return text;
}
