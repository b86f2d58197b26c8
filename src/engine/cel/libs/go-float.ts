/**
 * Go `strconv.FormatFloat(x, fmt, -1, 64)` for the verbs CEL libraries use: `'g'` (cel-go's
 * `string(double)`: `1e+20`, `1.23456789e+08`, `1.5`, `-0`, `+Inf`, `NaN`) and `'f'` (`1.5`, `100`).
 */

/** Shortest round-trip decimal digits of |x| (x finite, non-zero): x = 0.digits x 10^dp. */
function shortest(x: number): { digits: string; dp: number } {
  const s = Math.abs(x).toExponential();
  const e = s.indexOf('e');
  return { digits: s.slice(0, e).replace('.', ''), dp: Number(s.slice(e + 1)) + 1 };
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return undefined;
}

/** `strconv.FormatFloat(x, 'g', -1, 64)`: `formatFloatG(123456789)` = `1.23456789e+08`. */
export function formatFloatG(x: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const { digits, dp } = shortest(x);
  const sign = x < 0 ? '-' : '';
  const exp = dp - 1;
  // shortest formatting: %e when the exponent is < -4 or >= 6 (strconv/ftoa.go, eprec = 6)
  if (exp < -4 || exp >= 6) return sign + eForm(digits, exp);
  return sign + fForm(digits, dp);
}

function eForm(digits: string, exp: number): string {
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return `${mant}e${sign}${a < 10 ? '0' : ''}${a}`;
}

function fForm(digits: string, dp: number): string {
  if (dp <= 0) return `0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return digits + '0'.repeat(dp - digits.length);
  return `${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** `strconv.FormatFloat(x, 'f', -1, 64)`: `formatFloatF(1e21)` = `1000000000000000000000`. */
export function formatFloatF(x: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const { digits, dp } = shortest(x);
  return (x < 0 ? '-' : '') + fForm(digits, dp);
}
