/**
 * The function's environment variables, split into the ones copied as plain `variables` and the
 * ones that look like secrets: those are not copied (their values would land in the task
 * definition, readable by anyone who can describe it) but suggested as `secrets` entries.
 */
export interface SplitVariables {
  plain: Record<string, string>;
  secret: Array<{ name: string; why: string }>;
}

const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|PWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH|SIGNING_?KEY|CLIENT_?SECRET|DSN)($|_)/i;

/** Why a value looks secret, or undefined. */
export function secretValueReason(value: string): string | undefined {
  if (/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value)) return 'the value is an AWS access key id';
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return 'the value is a private key';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value)) return 'the value is a URL with a password in it';
  if (/^(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}$/.test(value) || /^gh[pousr]_[A-Za-z0-9]{30,}$/.test(value) || /^xox[abpr]-/.test(value)) return 'the value has the shape of an API token';
  if (value.length >= 32 && /^[A-Za-z0-9+/=_-]+$/.test(value) && /[0-9]/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value)) return 'the value is a long random-looking string';
  return undefined;
}

export function splitVariables(environment: Record<string, string>): SplitVariables {
  const plain: Record<string, string> = {};
  const secret: SplitVariables['secret'] = [];
  for (const name of Object.keys(environment).sort()) {
    const value = environment[name]!;
    const byValue = secretValueReason(value);
    if (SECRET_NAME.test(name)) secret.push({ name, why: 'the name says it is a secret' });
    else if (byValue) secret.push({ name, why: byValue });
    else plain[name] = value;
  }
  return { plain, secret };
}
