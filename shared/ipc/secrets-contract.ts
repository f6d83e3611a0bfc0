/**
 * The PIN dialog's round trip (issue 15). Main starts it: when a token operation needs a PIN or an SO
 * PIN, the app context's PIN provider sends a `SecretRequest` to the renderer on the event
 * `SECRET_REQUEST_EVENT` (which token, which key, why, what the token says about the tries left);
 * the renderer shows the dialog and answers on the channel `secret:answer` with the PIN, or with
 * nothing when the user cancels. The PIN crosses renderer → main once; no response carries it.
 * Spread into CONTRACT (contract.ts).
 */
import { z } from 'zod';

/** The main → renderer event that opens the PIN dialog. */
export const SECRET_REQUEST_EVENT = 'secret:request';

/** What the token's info flags say about the PIN: CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED (or the SO_ ones). */
export const pinStateSchema = z.enum(['ok', 'count-low', 'final-try', 'locked', 'unknown']);
export type PinStateView = z.infer<typeof pinStateSchema>;

export const secretRequestSchema = z.object({
  /** Names this request in the answer; random, one use. */
  id: z.string().min(8).max(64),
  /** `pin`: the user PIN; `so-pin`: the security officer's PIN (YubiKey: the PIV management key). */
  kind: z.enum(['pin', 'so-pin']),
  device: z.object({ label: z.string(), serial: z.string().optional(), module: z.string() }),
  /** The key the operation uses, when there is one yet (canonical key ID). */
  keyId: z.string().optional(),
  /** What will be done with the PIN, in words ("sign the root metadata of …"). */
  reason: z.string(),
  state: pinStateSchema,
  /** ykcs11's SO login: a 48-hex-digit PIV management key, not a PIN. */
  managementKey: z.boolean(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
});
export type SecretRequestView = z.infer<typeof secretRequestSchema>;

export const SECRETS_CONTRACT = {
  /** The dialog's answer: the PIN once, or none (cancelled). The response says only whether a request was waiting. */
  'secret:answer': {
    request: z.object({ id: z.string().min(8).max(64), pin: z.string().min(1).max(256).optional() }).strict(),
    response: z.object({ accepted: z.boolean() }),
  },
} as const;
