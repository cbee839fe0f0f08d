/* Bulk objects of the big tables as PostgreSQL binary COPY fields, for their usual shapes (decision 090).
 *
 * The same fields xsight.services.ingest.copy_rows makes in Python (bulk_rows' mapping, then
 * copy_binary's formatting): 10^6 orders and their 1.87M line items map here in ~2 s instead of ~18 s.
 * Each function returns None for any shape it does not handle exactly (a timestamp not in the export's
 * usual "YYYY-MM-DDTHH:MM:SSZ", an amount that is not a plain decimal string, a list of discounts, a
 * non-ASCII status, ...): the Python path then maps that object, and raises what it raises. A test
 * compares both paths on generated objects (tests/services/ingest/test_copy_rows.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { OK = 0, BAIL = 1, FAIL = -1 };  /* FAIL: a Python exception is set */
#define TRY(expr) do { int s_ = (expr); if (s_ != OK) { status = s_; goto done; } } while (0)

static const int64_t MONEY_SCALE = 10000;  /* stored units of 1/10,000 (bulk_rows.MONEY_DECIMALS) */
static const int64_t PG_EPOCH_DAYS = 10957;  /* 2000-01-01, PostgreSQL's epoch, in days after 1970-01-01 */
static const char EMPTY_TAGS[] = "\x01[]";  /* jsonb's binary form of [] (bulk_rows.EMPTY_JSONB_TAGS) */

enum {
    K_ID, K_NAME, K_EMAIL, K_CUSTOMER, K_CREATED, K_UPDATED, K_PROCESSED, K_CANCELLED, K_CANCEL_REASON,
    K_CLOSED, K_TEST, K_CURRENCY, K_PRESENTMENT, K_FINANCIAL, K_FULFILLMENT, K_SOURCE, K_TAGS,
    K_SUBTOTAL, K_DISCOUNTS, K_SHIPPING, K_TAX, K_TOTAL, K_REFUNDED, K_TAXES_INCLUDED, K_SHOP_MONEY,
    K_AMOUNT, K_PRODUCT, K_VARIANT, K_TITLE, K_SKU, K_QUANTITY, K_CURRENT_QUANTITY, K_UNIT_PRICE,
    K_ALLOCATIONS, K_TAX_LINES, K_GIFT_CARD, K_FIRST_NAME, K_LAST_NAME, K_EMAIL_ADDRESS_OBJ,
    K_EMAIL_ADDRESS, K_MARKETING, K_PHONE_OBJ, K_PHONE, K_ADDRESS, K_COUNTRY, K_STATE, K_SPENT,
    K_CURRENCY_CODE, K_ORDER_COUNT, K_COUNT
};
static const char *KEY_NAMES[K_COUNT] = {
    "id", "name", "email", "customer", "createdAt", "updatedAt", "processedAt", "cancelledAt",
    "cancelReason", "closedAt", "test", "currencyCode", "presentmentCurrencyCode",
    "displayFinancialStatus", "displayFulfillmentStatus", "sourceName", "tags", "subtotalPriceSet",
    "totalDiscountsSet", "totalShippingPriceSet", "totalTaxSet", "totalPriceSet", "totalRefundedSet",
    "taxesIncluded", "shopMoney", "amount", "product", "variant", "title", "sku", "quantity",
    "currentQuantity", "originalUnitPriceSet", "discountAllocations", "taxLines", "isGiftCard",
    "firstName", "lastName", "defaultEmailAddress", "emailAddress", "marketingState",
    "defaultPhoneNumber", "phoneNumber", "defaultAddress", "countryCodeV2", "state", "amountSpent",
    "currencyCode", "numberOfOrders",
};
static PyObject *keys[K_COUNT];

/* A row's fields as they are made; `declined`: the object goes to the Python path after all
 * (a dict lookup raised, its error cleared: Python raises it; a dict subclass). */
typedef struct { char *data; Py_ssize_t len, cap; int declined; } Buf;

static int reserve(Buf *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return OK;
    Py_ssize_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    char *data = PyMem_Realloc(b->data, cap);
    if (data == NULL) { PyErr_NoMemory(); return FAIL; }
    b->data = data; b->cap = cap;
    return OK;
}

static int put(Buf *b, const void *p, Py_ssize_t n) {
    if (reserve(b, n) != OK) return FAIL;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return OK;
}

static int put_be(Buf *b, uint64_t v, int bytes) {  /* big-endian, network order */
    unsigned char out[8];
    for (int i = bytes - 1; i >= 0; i--) { out[i] = (unsigned char)(v & 0xff); v >>= 8; }
    return put(b, out, bytes);
}

static int null_field(Buf *b) { return put_be(b, 0xffffffffu, 4); }

static int bytes_field(Buf *b, const char *p, Py_ssize_t n) {
    if (n > INT32_MAX) return BAIL;
    if (put_be(b, (uint64_t)n, 4) != OK) return FAIL;
    return put(b, p, n);
}

static int int8_field(Buf *b, int64_t v) {
    if (put_be(b, 8, 4) != OK) return FAIL;
    return put_be(b, (uint64_t)v, 8);
}

static int int4_field(Buf *b, int64_t v) {
    if (v < INT32_MIN || v > INT32_MAX) return BAIL;  /* the Python path says it is out of range */
    if (put_be(b, 4, 4) != OK) return FAIL;
    return put_be(b, (uint64_t)(uint32_t)(int32_t)v, 4);
}

static int bool_field(Buf *b, int v) {
    unsigned char one = v ? 1 : 0;
    if (put_be(b, 1, 4) != OK) return FAIL;
    return put(b, &one, 1);
}

/* The value of `key` in a dict, borrowed; NULL for a missing key and for None alike. */
static PyObject *get(Buf *b, PyObject *dict, int key) {
    PyObject *v = PyDict_GetItemWithError(dict, keys[key]);
    if (v == NULL && PyErr_Occurred()) {  /* only a non-str key's __eq__ can raise: not from JSON */
        PyErr_Clear();
        b->declined = 1;
    }
    return v == Py_None ? NULL : v;
}

/* Python's truth of a value from `get` (NULL is None): 1, 0, or -1 for a type no JSON value has
 * (its __bool__ could run any code while borrowed references are held): the caller bails. */
static int truth(PyObject *v) {
    if (v == NULL) return 0;
    if (!(PyUnicode_CheckExact(v) || PyLong_CheckExact(v) || PyBool_Check(v) || PyFloat_CheckExact(v)
          || PyList_CheckExact(v) || PyDict_CheckExact(v)))
        return -1;
    return PyObject_IsTrue(v);  /* cannot fail for these types */
}

static int text_field(Buf *b, PyObject *v) {  /* a text column: a str or None */
    if (v == NULL) return null_field(b);
    if (!PyUnicode_CheckExact(v)) return BAIL;
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(v, &n);
    if (p == NULL) { PyErr_Clear(); return BAIL; }  /* e.g. a lone surrogate: the Python path raises */
    return bytes_field(b, p, n);
}

static int lower_field(Buf *b, PyObject *v) {  /* bulk_rows._lower: an ASCII str lower-cased, falsy None */
    int t = truth(v);
    if (t <= 0) return t == 0 ? null_field(b) : BAIL;
    if (!PyUnicode_CheckExact(v) || !PyUnicode_IS_ASCII(v)) return BAIL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    const char *p = (const char *)PyUnicode_1BYTE_DATA(v);
    if (n > INT32_MAX) return BAIL;
    if (put_be(b, (uint64_t)n, 4) != OK || reserve(b, n) != OK) return FAIL;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = p[i];
        b->data[b->len++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    return OK;
}

static int digits(const char *p, int n, int64_t *out) {  /* n ASCII digits, else BAIL */
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return BAIL;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return OK;
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {  /* days after 1970-01-01 */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Microseconds after 2000-01-01 UTC of "YYYY-MM-DDTHH:MM:SSZ", validated as `fromisoformat` does. */
static int stamp_micros(PyObject *v, int64_t *out) {
    if (!PyUnicode_CheckExact(v) || !PyUnicode_IS_ASCII(v) || PyUnicode_GET_LENGTH(v) != 20) return BAIL;
    const char *p = (const char *)PyUnicode_1BYTE_DATA(v);
    int64_t y, mo, d, h, mi, s;
    if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' || p[19] != 'Z'
        || digits(p, 4, &y) || digits(p + 5, 2, &mo) || digits(p + 8, 2, &d)
        || digits(p + 11, 2, &h) || digits(p + 14, 2, &mi) || digits(p + 17, 2, &s))
        return BAIL;
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59
        || d < 1 || d > month_days[mo - 1] + (mo == 2 && leap))
        return BAIL;
    int64_t seconds = (days_from_civil(y, mo, d) - PG_EPOCH_DAYS) * 86400 + h * 3600 + mi * 60 + s;
    *out = seconds * 1000000;
    return OK;
}

static int stamp_field(Buf *b, PyObject *v) {  /* bulk_rows.postgres_stamp: falsy is None */
    int t = truth(v);
    if (t <= 0) return t == 0 ? null_field(b) : BAIL;
    int64_t micros;
    if (stamp_micros(v, &micros) != OK) return BAIL;
    return int8_field(b, micros);
}

/* Integer units of a plain decimal string, as bulk_rows._text_minor's fast path reads it. */
static int money_units(PyObject *v, int64_t *out) {
    if (!PyUnicode_CheckExact(v) || !PyUnicode_IS_ASCII(v)) return BAIL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(v), i = 0;
    const char *p = (const char *)PyUnicode_1BYTE_DATA(v);
    int negative = n > 0 && p[0] == '-';
    i = negative;
    Py_ssize_t start = i;
    while (i < n && p[i] >= '0' && p[i] <= '9') i++;
    Py_ssize_t whole_digits = i - start;
    if (whole_digits < 1 || whole_digits > 14) return BAIL;  /* beyond 14, Python's ints take over */
    int64_t whole, fraction = 0;
    digits(p + start, (int)whole_digits, &whole);
    int fraction_digits = 0;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9' && fraction_digits < 5) { fraction = fraction * 10 + (p[i] - '0'); i++; fraction_digits++; }
        if (fraction_digits > 4) return BAIL;
    }
    if (i != n) return BAIL;
    for (int k = fraction_digits; k < 4; k++) fraction *= 10;
    int64_t units = whole * MONEY_SCALE + fraction;
    *out = negative ? -units : units;
    return OK;
}

static int bag_field(Buf *b, PyObject *v) {  /* bulk_rows.bag: {"shopMoney": {"amount": "12.34"}} */
    if (v == NULL || !PyDict_CheckExact(v)) return BAIL;
    PyObject *money = PyDict_GetItemWithError(v, keys[K_SHOP_MONEY]);
    if (money == NULL || !PyDict_CheckExact(money)) { PyErr_Clear(); return BAIL; }
    PyObject *amount = PyDict_GetItemWithError(money, keys[K_AMOUNT]);
    if (amount == NULL) { PyErr_Clear(); return BAIL; }
    int64_t units;
    if (money_units(amount, &units) != OK) return BAIL;
    return int8_field(b, units);
}

static int count_field(Buf *b, PyObject *v, int text_allowed) {  /* bulk_rows._count into an integer */
    if (v == NULL) return null_field(b);
    if (PyLong_CheckExact(v)) {
        int overflow;
        long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || (n == -1 && PyErr_Occurred())) { PyErr_Clear(); return BAIL; }
        return int4_field(b, n);
    }
    if (!text_allowed || !PyUnicode_CheckExact(v) || !PyUnicode_IS_ASCII(v)) return BAIL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    int64_t value;
    if (n < 1 || n > 9 || digits((const char *)PyUnicode_1BYTE_DATA(v), (int)n, &value) != OK) return BAIL;
    return int4_field(b, value);
}

static int tags_field(Buf *b, PyObject *v, PyObject *tags) {  /* bulk_rows.jsonb_tags, called for any tag */
    int t = truth(v);
    if (t <= 0) return t == 0 ? bytes_field(b, EMPTY_TAGS, sizeof EMPTY_TAGS - 1) : BAIL;
    PyObject *made = PyObject_CallOneArg(tags, v);
    if (made == NULL) return FAIL;
    int status = PyBytes_CheckExact(made)
        ? bytes_field(b, PyBytes_AS_STRING(made), PyBytes_GET_SIZE(made)) : BAIL;
    Py_DECREF(made);
    return status;
}

/* An optional mapping (`node.get(key) or {}`): *out is the dict or NULL for an empty one. */
static int optional_dict(Buf *b, PyObject *node, int key, PyObject **out) {
    PyObject *v = get(b, node, key);
    int t = truth(v);
    if (t < 0) return BAIL;
    if (t == 0) { *out = NULL; return OK; }
    if (!PyDict_CheckExact(v)) return BAIL;
    *out = v;
    return OK;
}

static PyObject *nested_id(Buf *b, PyObject *node, int key) {  /* values.nested_id: a dict's "id", else None */
    PyObject *v = get(b, node, key);
    if (v != NULL && PyDict_Check(v) && !PyDict_CheckExact(v)) b->declined = 1;  /* a dict subclass */
    return v != NULL && PyDict_CheckExact(v) ? get(b, v, K_ID) : NULL;
}

static PyObject *finish(int status, Buf *b, PyObject *gid, PyObject *extra1, PyObject *extra2) {
    PyObject *result = NULL;
    if (status == OK) {
        PyObject *line = PyBytes_FromStringAndSize(b->data, b->len);
        if (line != NULL) {
            result = extra1 == NULL ? PyTuple_Pack(2, gid, line)
                                    : PyTuple_Pack(4, gid, line, extra1, extra2);
            Py_DECREF(line);
        }
    } else if (status == BAIL) {
        PyErr_Clear();
        result = Py_NewRef(Py_None);
    }
    PyMem_Free(b->data);
    return result;
}

static PyObject *wrong_arguments(const char *name) {
    PyErr_Format(PyExc_TypeError, "%s() takes exactly 2 arguments", name);
    return NULL;
}

static PyObject *gid_of(PyObject *node) {  /* the object's own gid: a str, else NULL (bail) */
    PyObject *gid = PyDict_GetItemWithError(node, keys[K_ID]);
    return gid != NULL && PyUnicode_CheckExact(gid) ? gid : NULL;
}

PyDoc_STRVAR(order_doc, "order(node, tags) -> (gid, fields, customer gid, updatedAt field) or None");

static PyObject *order(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return wrong_arguments("order");
    PyObject *node = args[0], *tags = args[1];
    if (!PyDict_CheckExact(node)) Py_RETURN_NONE;
    PyObject *gid = gid_of(node);
    if (gid == NULL) { if (PyErr_Occurred()) return NULL; Py_RETURN_NONE; }
    Buf b = {0};
    Buf updated = {0};
    PyObject *customer_gid = nested_id(&b, node, K_CUSTOMER), *updated_field = NULL, *result;
    int status = OK;
    Py_INCREF(gid);  /* held: the tags callable runs Python code before they are packed */
    Py_XINCREF(customer_gid);
    PyObject *created = get(&b, node, K_CREATED), *processed = get(&b, node, K_PROCESSED);
    TRY(text_field(&b, gid));
    TRY(text_field(&b, get(&b, node, K_NAME)));
    TRY(text_field(&b, customer_gid));
    TRY(text_field(&b, get(&b, node, K_EMAIL)));
    int processed_true = truth(processed);
    TRY(processed_true < 0 ? BAIL : OK);
    int same = !processed_true;
    if (!same && created != NULL && PyUnicode_CheckExact(created) && PyUnicode_CheckExact(processed))
        same = PyUnicode_Compare(created, processed) == 0;
    TRY(stamp_field(&b, same ? created : processed));
    TRY(stamp_field(&b, created));
    TRY(stamp_field(&updated, get(&b, node, K_UPDATED)));
    TRY(put(&b, updated.data, updated.len));
    TRY(stamp_field(&b, get(&b, node, K_CANCELLED)));
    TRY(lower_field(&b, get(&b, node, K_CANCEL_REASON)));
    TRY(stamp_field(&b, get(&b, node, K_CLOSED)));
    int test = truth(get(&b, node, K_TEST));
    TRY(test < 0 ? BAIL : bool_field(&b, test));
    PyObject *currency = get(&b, node, K_CURRENCY);
    int has_currency = truth(currency);
    TRY(has_currency < 0 ? BAIL : OK);
    TRY(has_currency ? text_field(&b, currency) : bytes_field(&b, "USD", 3));
    TRY(text_field(&b, get(&b, node, K_PRESENTMENT)));
    TRY(lower_field(&b, get(&b, node, K_FINANCIAL)));
    TRY(lower_field(&b, get(&b, node, K_FULFILLMENT)));
    TRY(text_field(&b, get(&b, node, K_SOURCE)));
    TRY(tags_field(&b, get(&b, node, K_TAGS), tags));
    for (int key = K_SUBTOTAL; key <= K_REFUNDED; key++) TRY(bag_field(&b, get(&b, node, key)));
    int included = truth(get(&b, node, K_TAXES_INCLUDED));
    TRY(included < 0 ? BAIL : bool_field(&b, included));
done:
    if (status == OK && b.declined) status = BAIL;
    if (status == OK) {
        updated_field = PyBytes_FromStringAndSize(updated.data, updated.len);
        if (updated_field == NULL) status = FAIL;
    }
    PyMem_Free(updated.data);
    result = finish(status, &b, gid, customer_gid != NULL ? customer_gid : Py_None, updated_field);
    Py_XDECREF(updated_field);
    Py_DECREF(gid);
    Py_XDECREF(customer_gid);
    return result;
}

PyDoc_STRVAR(line_item_doc, "line_item(node, updated_field) -> (gid, fields) or None");

static PyObject *line_item(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return wrong_arguments("line_item");
    PyObject *node = args[0], *updated = args[1];
    if (!PyDict_CheckExact(node) || !PyBytes_CheckExact(updated)) Py_RETURN_NONE;
    PyObject *gid = gid_of(node);
    if (gid == NULL) { if (PyErr_Occurred()) return NULL; Py_RETURN_NONE; }
    Buf b = {0};
    int status = OK;
    PyObject *result;
    Py_INCREF(gid);  /* held until packed, as in `order` */
    TRY(text_field(&b, gid));
    TRY(text_field(&b, nested_id(&b, node, K_PRODUCT)));
    TRY(text_field(&b, nested_id(&b, node, K_VARIANT)));
    PyObject *title = get(&b, node, K_TITLE);
    int t = truth(title);
    if (t == 0) { title = get(&b, node, K_NAME); t = truth(title); }
    TRY(t < 0 ? BAIL : t ? text_field(&b, title) : bytes_field(&b, "", 0));
    TRY(text_field(&b, get(&b, node, K_SKU)));
    PyObject *quantity = get(&b, node, K_QUANTITY);
    int q = truth(quantity);
    TRY(q < 0 ? BAIL : q ? count_field(&b, quantity, 0) : int4_field(&b, 0));
    TRY(count_field(&b, get(&b, node, K_CURRENT_QUANTITY), 0));
    TRY(bag_field(&b, get(&b, node, K_UNIT_PRICE)));
    for (int key = K_ALLOCATIONS; key <= K_TAX_LINES; key++) {  /* summed in Python when there are any */
        int any = truth(get(&b, node, key));
        TRY(any < 0 ? BAIL : any ? BAIL : int8_field(&b, 0));
    }
    int gift = truth(get(&b, node, K_GIFT_CARD));
    TRY(gift < 0 ? BAIL : bool_field(&b, gift));
    TRY(put(&b, PyBytes_AS_STRING(updated), PyBytes_GET_SIZE(updated)));
done:
    if (status == OK && b.declined) status = BAIL;
    result = finish(status, &b, gid, NULL, NULL);
    Py_DECREF(gid);
    return result;
}

PyDoc_STRVAR(customer_doc, "customer(node, tags) -> (gid, fields) or None");

static PyObject *customer(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return wrong_arguments("customer");
    PyObject *node = args[0], *tags = args[1];
    if (!PyDict_CheckExact(node)) Py_RETURN_NONE;
    PyObject *gid = gid_of(node);
    if (gid == NULL) { if (PyErr_Occurred()) return NULL; Py_RETURN_NONE; }
    Buf b = {0};
    int status = OK;
    PyObject *result, *email = NULL, *phone = NULL, *address = NULL, *spent = NULL;
    Py_INCREF(gid);  /* held, as `spent` is: the tags callable runs Python code before their use */
    TRY(optional_dict(&b, node, K_EMAIL_ADDRESS_OBJ, &email));
    TRY(optional_dict(&b, node, K_PHONE_OBJ, &phone));
    TRY(optional_dict(&b, node, K_ADDRESS, &address));
    TRY(optional_dict(&b, node, K_SPENT, &spent));
    Py_XINCREF(spent);
    TRY(text_field(&b, gid));
    TRY(text_field(&b, get(&b, node, K_FIRST_NAME)));
    TRY(text_field(&b, get(&b, node, K_LAST_NAME)));
    TRY(text_field(&b, email ? get(&b, email, K_EMAIL_ADDRESS) : NULL));
    TRY(lower_field(&b, email ? get(&b, email, K_MARKETING) : NULL));
    TRY(text_field(&b, phone ? get(&b, phone, K_PHONE) : NULL));
    TRY(text_field(&b, address ? get(&b, address, K_COUNTRY) : NULL));
    TRY(tags_field(&b, get(&b, node, K_TAGS), tags));
    TRY(lower_field(&b, get(&b, node, K_STATE)));
    if (spent == NULL) {
        TRY(null_field(&b));
    } else {
        PyObject *amount = get(&b, spent, K_AMOUNT);
        int64_t units;
        TRY(amount == NULL ? BAIL : money_units(amount, &units));
        TRY(int8_field(&b, units));
    }
    TRY(text_field(&b, spent ? get(&b, spent, K_CURRENCY_CODE) : NULL));
    TRY(count_field(&b, get(&b, node, K_ORDER_COUNT), 1));
    TRY(stamp_field(&b, get(&b, node, K_CREATED)));
    TRY(stamp_field(&b, get(&b, node, K_UPDATED)));
done:
    if (status == OK && b.declined) status = BAIL;
    result = finish(status, &b, gid, NULL, NULL);
    Py_DECREF(gid);
    Py_XDECREF(spent);
    return result;
}

/* gid_ids.number in C: the number of "<prefix><digits>", -1 for anything else. */
static int64_t gid_number(PyObject *gid, const char *prefix, Py_ssize_t prefix_len) {
    if (!PyUnicode_CheckExact(gid) || !PyUnicode_IS_ASCII(gid)) return -1;
    const char *p = (const char *)PyUnicode_1BYTE_DATA(gid);
    Py_ssize_t tail = PyUnicode_GET_LENGTH(gid) - prefix_len;
    if (tail < 1 || tail > 18 || memcmp(p, prefix, prefix_len) != 0) return -1;
    if (p[prefix_len] == '0' && tail > 1) return -1;  /* "007" is not the exact form of 7 */
    int64_t value;
    return digits(p + prefix_len, (int)tail, &value) == OK ? value : -1;
}

PyDoc_STRVAR(gid_numbers_doc, "gid_numbers(gids: list, prefix: str) -> bytes of native int64, -1 for no number");

static PyObject *gid_numbers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return wrong_arguments("gid_numbers");
    PyObject *gids = args[0], *prefix = args[1];
    if (!PyList_CheckExact(gids) || !PyUnicode_CheckExact(prefix) || !PyUnicode_IS_ASCII(prefix)) {
        PyErr_SetString(PyExc_TypeError, "gid_numbers() takes a list and an ASCII str");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(gids), prefix_len = PyUnicode_GET_LENGTH(prefix);
    const char *start = (const char *)PyUnicode_1BYTE_DATA(prefix);
    PyObject *out = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (out == NULL) return NULL;
    char *data = PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t value = gid_number(PyList_GET_ITEM(gids, i), start, prefix_len);
        memcpy(data + i * (Py_ssize_t)sizeof value, &value, sizeof value);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"order", (PyCFunction)(void (*)(void))order, METH_FASTCALL, order_doc},
    {"line_item", (PyCFunction)(void (*)(void))line_item, METH_FASTCALL, line_item_doc},
    {"customer", (PyCFunction)(void (*)(void))customer, METH_FASTCALL, customer_doc},
    {"gid_numbers", (PyCFunction)(void (*)(void))gid_numbers, METH_FASTCALL, gid_numbers_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_copy_rows",
    "Bulk objects as binary COPY fields for their usual shapes (see copy_rows.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__copy_rows(void) {
    for (int i = 0; i < K_COUNT; i++) {
        keys[i] = PyUnicode_InternFromString(KEY_NAMES[i]);
        if (keys[i] == NULL) return NULL;
    }
    return PyModule_Create(&module_def);
}
