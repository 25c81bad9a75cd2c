/** Why `text` is not an IPv4 CIDR a security group rule takes, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  if (text.includes(':')) return `"${text}" is an IPv6 address — only IPv4 CIDRs are supported (e.g. 203.0.113.0/24)`;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  if (!m || octets.some((o) => o > 255) || m.slice(1, 5).some((o) => o!.length > 1 && o!.startsWith('0'))) {
    return `"${text}" is not an IPv4 CIDR — write a.b.c.d/n with each number 0–255 and n 0–32 (e.g. 203.0.113.0/24, or 0.0.0.0/0 for everyone)`;
  }
  if (m[5] === undefined) return `"${text}" has no prefix length — write ${text}/32 for this one address`;
  const bits = Number(m[5]);
  if (bits > 32) return `"${text}" has a prefix length over 32 — n in a.b.c.d/n is 0–32`;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const network = bits === 0 ? 0 : address - (address % 2 ** (32 - bits));
  if (network !== address) {
    const net = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.');
    return `"${text}" has bits set after the first ${bits} — did you mean ${net}/${bits}?`;
  }
  return undefined;
}
