/*
 * A PKCS#11 module for tests that misbehaves on purpose: it loads the real SoftHSM2 library
 * (TRUSTDESK_SHIM_MODULE, default /usr/lib/softhsm/libsofthsm2.so) and forwards every call through
 * a CK_FUNCTION_LIST of its own, except when the control file named by TRUSTDESK_SHIM_CONTROL says
 * otherwise. The file is read on every call, so a test can change it in the middle of an operation.
 *
 * The control file holds one line: a mode, optionally followed by `label=<token label>` to affect one
 * token only (default: every token). No file, an empty file or `normal`: plain forwarding.
 *   locked          C_Login as the user answers CKR_PIN_LOCKED; C_GetTokenInfo sets CKF_USER_PIN_LOCKED
 *   final-try       C_GetTokenInfo sets CKF_USER_PIN_FINAL_TRY (logins are forwarded)
 *   count-low       C_GetTokenInfo sets CKF_USER_PIN_COUNT_LOW
 *   remove-after-N  after N successful C_Sign calls on the token (counted since the file last
 *                   changed) the token is removed: the shim rewrites the file to `removed` (so a
 *                   new process sees it gone too)
 *   remove-at-F     the token is removed when the PKCS#11 function C_F is called on one of its
 *                   sessions (e.g. remove-at-SignInit): that call already fails; the file becomes `removed`
 *   removed         the token is gone: C_GetSlotList(present) stops listing it, its slot info has no
 *                   CKF_TOKEN_PRESENT, slot calls answer CKR_TOKEN_NOT_PRESENT and session calls
 *                   CKR_DEVICE_REMOVED
 * Built by tests/support/softhsm.ts with `gcc -shared -fPIC` against p11-kit's pkcs11.h.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

enum mode { M_NORMAL, M_LOCKED, M_FINAL_TRY, M_COUNT_LOW, M_REMOVE_AFTER, M_REMOVE_AT, M_REMOVED };

struct control {
  enum mode mode;
  unsigned long after;
  char at[64];
  char label[33];
  char text[256];
};

static void *real_handle;
static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST shim;
static char last_text[256];
static unsigned long signs;

static void read_control(struct control *c) {
  memset(c, 0, sizeof *c);
  const char *path = getenv("TRUSTDESK_SHIM_CONTROL");
  if (!path || !*path) return;
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(c->text, 1, sizeof c->text - 1, f);
  fclose(f);
  c->text[n] = 0;
  char *nl = strpbrk(c->text, "\r\n");
  if (nl) *nl = 0;
  if (strcmp(c->text, last_text) != 0) {
    /* a new instruction: count signatures from here */
    signs = 0;
    strcpy(last_text, c->text);
  }
  char buf[256];
  strcpy(buf, c->text);
  char *save = NULL;
  for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
    if (strncmp(w, "label=", 6) == 0) {
      strncpy(c->label, w + 6, sizeof c->label - 1);
    } else if (strcmp(w, "locked") == 0) {
      c->mode = M_LOCKED;
    } else if (strcmp(w, "final-try") == 0) {
      c->mode = M_FINAL_TRY;
    } else if (strcmp(w, "count-low") == 0) {
      c->mode = M_COUNT_LOW;
    } else if (strcmp(w, "removed") == 0) {
      c->mode = M_REMOVED;
    } else if (strncmp(w, "remove-at-", 10) == 0) {
      c->mode = M_REMOVE_AT;
      strncpy(c->at, w + 10, sizeof c->at - 1);
    } else if (strncmp(w, "remove-after-", 13) == 0) {
      c->mode = M_REMOVE_AFTER;
      c->after = strtoul(w + 13, NULL, 10);
    }
  }
}

/* The real token's label, blank padding trimmed; empty when the slot has no token. */
static void real_label(CK_SLOT_ID slot, char out[33]) {
  CK_TOKEN_INFO t;
  out[0] = 0;
  if (real->C_GetTokenInfo(slot, &t) != CKR_OK) return;
  memcpy(out, t.label, 32);
  out[32] = 0;
  for (int i = 31; i >= 0 && (out[i] == ' ' || out[i] == 0); i--) out[i] = 0;
}

static int applies(const struct control *c, CK_SLOT_ID slot) {
  if (c->mode == M_NORMAL) return 0;
  if (!c->label[0]) return 1;
  char l[33];
  real_label(slot, l);
  return strcmp(l, c->label) == 0;
}

static int slot_removed(CK_SLOT_ID slot) {
  struct control c;
  read_control(&c);
  if (c.mode == M_REMOVED || (c.mode == M_REMOVE_AFTER && signs >= c.after)) return applies(&c, slot);
  return 0;
}

static int session_slot(CK_SESSION_HANDLE s, CK_SLOT_ID *slot) {
  CK_SESSION_INFO info;
  if (real->C_GetSessionInfo(s, &info) != CKR_OK) return 0;
  *slot = info.slotID;
  return 1;
}

static int session_removed(CK_SESSION_HANDLE s) {
  CK_SLOT_ID slot;
  return session_slot(s, &slot) && slot_removed(slot);
}

static void write_removed(const struct control *c) {
  const char *path = getenv("TRUSTDESK_SHIM_CONTROL");
  if (!path) return;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.shim-tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  if (c->label[0]) fprintf(f, "removed label=%s\n", c->label);
  else fprintf(f, "removed\n");
  fclose(f);
  rename(tmp, path);
}

/* remove-at-F: the token goes away as the session call `name` arrives */
static int removed_at(const char *name, CK_SESSION_HANDLE s) {
  CK_SLOT_ID slot;
  if (!session_slot(s, &slot)) return 0;
  if (slot_removed(slot)) return 1;
  struct control c;
  read_control(&c);
  if (c.mode == M_REMOVE_AT && strcmp(c.at, name) == 0 && applies(&c, slot)) {
    write_removed(&c);
    return 1;
  }
  return 0;
}

/* ---- slot and token calls ---- */

static CK_RV shim_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  if (!present) return real->C_GetSlotList(present, list, count);
  CK_ULONG n = 0;
  CK_RV rv = real->C_GetSlotList(present, NULL, &n);
  if (rv != CKR_OK) return rv;
  CK_SLOT_ID *all = calloc(n ? n : 1, sizeof(CK_SLOT_ID));
  if (!all) return CKR_HOST_MEMORY;
  rv = real->C_GetSlotList(present, all, &n);
  if (rv != CKR_OK) {
    free(all);
    return rv;
  }
  CK_ULONG kept = 0;
  for (CK_ULONG i = 0; i < n; i++)
    if (!slot_removed(all[i])) all[kept++] = all[i];
  if (list) {
    if (*count < kept) rv = CKR_BUFFER_TOO_SMALL;
    else memcpy(list, all, kept * sizeof(CK_SLOT_ID));
  }
  *count = kept;
  free(all);
  return rv;
}

static CK_RV shim_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
  CK_RV rv = real->C_GetSlotInfo(slot, info);
  if (rv == CKR_OK && slot_removed(slot)) info->flags &= ~CKF_TOKEN_PRESENT;
  return rv;
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  if (slot_removed(slot)) return CKR_TOKEN_NOT_PRESENT;
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK) return rv;
  struct control c;
  read_control(&c);
  if (!applies(&c, slot)) return rv;
  if (c.mode == M_LOCKED) info->flags |= CKF_USER_PIN_LOCKED;
  if (c.mode == M_FINAL_TRY) info->flags |= CKF_USER_PIN_FINAL_TRY;
  if (c.mode == M_COUNT_LOW) info->flags |= CKF_USER_PIN_COUNT_LOW;
  return rv;
}

static CK_RV shim_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
  if (slot_removed(slot)) return CKR_TOKEN_NOT_PRESENT;
  return real->C_GetMechanismList(slot, list, count);
}

static CK_RV shim_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
  if (slot_removed(slot)) return CKR_TOKEN_NOT_PRESENT;
  return real->C_GetMechanismInfo(slot, type, info);
}

static CK_RV shim_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG len, CK_UTF8CHAR_PTR label) {
  if (slot_removed(slot)) return CKR_TOKEN_NOT_PRESENT;
  return real->C_InitToken(slot, pin, len, label);
}

static CK_RV shim_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR s) {
  if (slot_removed(slot)) return CKR_TOKEN_NOT_PRESENT;
  return real->C_OpenSession(slot, flags, app, notify, s);
}

static CK_RV shim_CloseAllSessions(CK_SLOT_ID slot) {
  int gone = slot_removed(slot);
  CK_RV rv = real->C_CloseAllSessions(slot);
  return gone ? CKR_TOKEN_NOT_PRESENT : rv;
}

/* ---- session calls ---- */

static CK_RV shim_CloseSession(CK_SESSION_HANDLE s) {
  /* a removed token's sessions are gone: close the real one too, so SoftHSM forgets the login */
  int gone = session_removed(s);
  CK_RV rv = real->C_CloseSession(s);
  return gone ? CKR_DEVICE_REMOVED : rv;
}

static CK_RV shim_Login(CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  CK_SLOT_ID slot;
  if (!session_slot(s, &slot)) return real->C_Login(s, who, pin, len);
  if (removed_at("Login", s)) return CKR_DEVICE_REMOVED;
  struct control c;
  read_control(&c);
  if (c.mode == M_LOCKED && who != CKU_SO && applies(&c, slot)) return CKR_PIN_LOCKED;
  return real->C_Login(s, who, pin, len);
}

static CK_RV shim_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
  CK_SLOT_ID slot;
  int known = session_slot(s, &slot);
  if (known && removed_at("Sign", s)) return CKR_DEVICE_REMOVED;
  CK_RV rv = real->C_Sign(s, data, len, sig, sig_len);
  if (rv == CKR_OK && sig && known) {
    struct control c;
    read_control(&c);
    if (c.mode == M_REMOVE_AFTER && applies(&c, slot) && ++signs >= c.after) write_removed(&c);
  }
  return rv;
}

/* every other session call: CKR_DEVICE_REMOVED once the token is gone, else the real module's answer */
#define SESSION_CALL(name, params, args)                   \
  static CK_RV shim_##name params {                        \
    if (removed_at(#name, s)) return CKR_DEVICE_REMOVED;   \
    return real->C_##name args;                            \
  }

SESSION_CALL(InitPIN, (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR p, CK_ULONG l), (s, p, l))
SESSION_CALL(SetPIN, (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR o, CK_ULONG ol, CK_UTF8CHAR_PTR n, CK_ULONG nl), (s, o, ol, n, nl))
SESSION_CALL(GetSessionInfo, (CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR i), (s, i))
SESSION_CALL(GetOperationState, (CK_SESSION_HANDLE s, CK_BYTE_PTR st, CK_ULONG_PTR l), (s, st, l))
SESSION_CALL(SetOperationState, (CK_SESSION_HANDLE s, CK_BYTE_PTR st, CK_ULONG l, CK_OBJECT_HANDLE e, CK_OBJECT_HANDLE a), (s, st, l, e, a))
SESSION_CALL(Logout, (CK_SESSION_HANDLE s), (s))
SESSION_CALL(CreateObject, (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR o), (s, t, n, o))
SESSION_CALL(CopyObject, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR no), (s, o, t, n, no))
SESSION_CALL(DestroyObject, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o), (s, o))
SESSION_CALL(GetObjectSize, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ULONG_PTR z), (s, o, z))
SESSION_CALL(GetAttributeValue, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n), (s, o, t, n))
SESSION_CALL(SetAttributeValue, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n), (s, o, t, n))
SESSION_CALL(FindObjectsInit, (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR t, CK_ULONG n), (s, t, n))
SESSION_CALL(FindObjects, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR o, CK_ULONG m, CK_ULONG_PTR n), (s, o, m, n))
SESSION_CALL(FindObjectsFinal, (CK_SESSION_HANDLE s), (s))
SESSION_CALL(EncryptInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(Encrypt, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(EncryptUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(EncryptFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, o, ol))
SESSION_CALL(DecryptInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(Decrypt, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(DecryptUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(DecryptFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, o, ol))
SESSION_CALL(DigestInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m), (s, m))
SESSION_CALL(Digest, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(DigestUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l), (s, d, l))
SESSION_CALL(DigestKey, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k), (s, k))
SESSION_CALL(DigestFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, o, ol))
SESSION_CALL(SignInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(SignUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l), (s, d, l))
SESSION_CALL(SignFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, o, ol))
SESSION_CALL(SignRecoverInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(SignRecover, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(VerifyInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(Verify, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR g, CK_ULONG gl), (s, d, l, g, gl))
SESSION_CALL(VerifyUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l), (s, d, l))
SESSION_CALL(VerifyFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR g, CK_ULONG gl), (s, g, gl))
SESSION_CALL(VerifyRecoverInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), (s, m, k))
SESSION_CALL(VerifyRecover, (CK_SESSION_HANDLE s, CK_BYTE_PTR g, CK_ULONG gl, CK_BYTE_PTR d, CK_ULONG_PTR dl), (s, g, gl, d, dl))
SESSION_CALL(DigestEncryptUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(DecryptDigestUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(SignEncryptUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(DecryptVerifyUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l, CK_BYTE_PTR o, CK_ULONG_PTR ol), (s, d, l, o, ol))
SESSION_CALL(GenerateKey, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k), (s, m, t, n, k))
SESSION_CALL(GenerateKeyPair,
             (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt, CK_ULONG pn, CK_ATTRIBUTE_PTR vt, CK_ULONG vn, CK_OBJECT_HANDLE_PTR pk,
              CK_OBJECT_HANDLE_PTR vk),
             (s, m, pt, pn, vt, vn, pk, vk))
SESSION_CALL(WrapKey, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE w, CK_OBJECT_HANDLE k, CK_BYTE_PTR o, CK_ULONG_PTR ol),
             (s, m, w, k, o, ol))
SESSION_CALL(UnwrapKey,
             (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE u, CK_BYTE_PTR w, CK_ULONG wl, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k),
             (s, m, u, w, wl, t, n, k))
SESSION_CALL(DeriveKey, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k),
             (s, m, b, t, n, k))
SESSION_CALL(SeedRandom, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l), (s, d, l))
SESSION_CALL(GenerateRandom, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG l), (s, d, l))
SESSION_CALL(GetFunctionStatus, (CK_SESSION_HANDLE s), (s))
SESSION_CALL(CancelFunction, (CK_SESSION_HANDLE s), (s))

/* ---- the module's entry point ---- */

static CK_RV load_real(void) {
  if (real) return CKR_OK;
  const char *path = getenv("TRUSTDESK_SHIM_MODULE");
  if (!path || !*path) path = "/usr/lib/softhsm/libsofthsm2.so";
  real_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!real_handle) return CKR_GENERAL_ERROR;
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(real_handle, "C_GetFunctionList");
  if (!get || get(&real) != CKR_OK || !real) return CKR_GENERAL_ERROR;
  return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out) {
  if (!out) return CKR_ARGUMENTS_BAD;
  CK_RV rv = load_real();
  if (rv != CKR_OK) return rv;
  /* start from the real list (C_Initialize, C_Finalize, C_GetInfo, C_WaitForSlotEvent as they are) */
  shim = *real;
  shim.C_GetFunctionList = C_GetFunctionList;
#define SET(name) shim.C_##name = shim_##name
  SET(GetSlotList);
  SET(GetSlotInfo);
  SET(GetTokenInfo);
  SET(GetMechanismList);
  SET(GetMechanismInfo);
  SET(InitToken);
  SET(OpenSession);
  SET(CloseAllSessions);
  SET(CloseSession);
  SET(Login);
  SET(Sign);
  SET(InitPIN);
  SET(SetPIN);
  SET(GetSessionInfo);
  SET(GetOperationState);
  SET(SetOperationState);
  SET(Logout);
  SET(CreateObject);
  SET(CopyObject);
  SET(DestroyObject);
  SET(GetObjectSize);
  SET(GetAttributeValue);
  SET(SetAttributeValue);
  SET(FindObjectsInit);
  SET(FindObjects);
  SET(FindObjectsFinal);
  SET(EncryptInit);
  SET(Encrypt);
  SET(EncryptUpdate);
  SET(EncryptFinal);
  SET(DecryptInit);
  SET(Decrypt);
  SET(DecryptUpdate);
  SET(DecryptFinal);
  SET(DigestInit);
  SET(Digest);
  SET(DigestUpdate);
  SET(DigestKey);
  SET(DigestFinal);
  SET(SignInit);
  SET(SignUpdate);
  SET(SignFinal);
  SET(SignRecoverInit);
  SET(SignRecover);
  SET(VerifyInit);
  SET(Verify);
  SET(VerifyUpdate);
  SET(VerifyFinal);
  SET(VerifyRecoverInit);
  SET(VerifyRecover);
  SET(DigestEncryptUpdate);
  SET(DecryptDigestUpdate);
  SET(SignEncryptUpdate);
  SET(DecryptVerifyUpdate);
  SET(GenerateKey);
  SET(GenerateKeyPair);
  SET(WrapKey);
  SET(UnwrapKey);
  SET(DeriveKey);
  SET(SeedRandom);
  SET(GenerateRandom);
  SET(GetFunctionStatus);
  SET(CancelFunction);
#undef SET
  *out = &shim;
  return CKR_OK;
}
