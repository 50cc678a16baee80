// kube-proxy's endpoint probabilities and how iptables stores and prints them.

/** proxier.go computeProbability: fmt.Sprintf("%0.10f", 1.0/float64(n)). */
export function kubeProxyProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/**
 * libxt_statistic: parse stores lround(0x80000000 * p) (a u32), save prints "%.11f" of stored / 2^31.
 * So kube-proxy's 0.3333333333 comes back from iptables-save as 0.33333333349.
 */
export function iptablesSaveProbability(written: string): string {
  const stored = Math.round(0x80000000 * Number(written));
  return formatFixed11(stored);
}

/**
 * printf("%.11f", k / 2^31) as glibc does it: the exact binary value, rounded half to even.
 * (Number#toFixed rounds exact ties up, e.g. k = 2^19, which kube-proxy's 1/4096 = 0.0002441406 becomes:
 * glibc prints 0.00024414062, toFixed 0.00024414063.)
 */
function formatFixed11(k: number): string {
  const den = 0x80000000n;
  const scaled = BigInt(k) * 100_000_000_000n;
  let q = scaled / den;
  const twiceRem = 2n * (scaled % den);
  if (twiceRem > den || (twiceRem === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(12, '0');
  return `${digits.slice(0, -11)}.${digits.slice(-11)}`;
}

/** The probability the kernel actually uses for a written value. */
export function effectiveProbability(written: string): number {
  return Math.round(0x80000000 * Number(written)) / 0x80000000;
}
