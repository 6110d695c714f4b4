/**
 * A full set of values for `platform:suppliedSecrets`: one per secret of the catalogue, fitted to
 * its spec, plus the in-cluster store's two credentials. For tests that run a whole stack where
 * the random provider can't be had (the engine tests) or that check the supplied path itself.
 */
import { randomBytes, randomInt } from "node:crypto";
import { LOGIN_SYMBOLS, PLATFORM_SECRETS } from "../components/secrets/catalog";
import { STORE_CREDENTIAL_NAMES } from "../stacks/config";

function password(length: number, symbols: string): string {
  const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${symbols}`;
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export function suppliedSecretValues(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of PLATFORM_SECRETS) {
    out[s.name] = s.spec.kind === "key" ? randomBytes(s.spec.bytes).toString("base64") : password(s.spec.length, s.spec.alphabet === "login" ? LOGIN_SYMBOLS : "");
  }
  out[STORE_CREDENTIAL_NAMES.accessKeyId] = password(20, "");
  out[STORE_CREDENTIAL_NAMES.secretAccessKey] = password(40, "");
  return out;
}
